//! A minimal reader of the protobuf wire format (protobuf.dev, "Encoding"): just enough for
//! Google Authenticator's `MigrationPayload`, without a protobuf crate or generated code.
//!
//! Bounded by construction: it only walks forward through the slice it is given, every length
//! is checked against what remains before it is used, varints are at most 10 bytes, and
//! nothing recurses (the caller opens a nested message with a new reader over its bytes).
//! Groups (wire types 3 and 4, deprecated since proto2) are refused.

/// A field's value as the wire format carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WireValue<'a> {
    /// Wire type 0: int32, int64, uint*, bool, enum.
    Varint(u64),
    /// Wire type 1: fixed64, sfixed64, double.
    Fixed64(u64),
    /// Wire type 2: string, bytes, nested message, packed repeated.
    Bytes(&'a [u8]),
    /// Wire type 5: fixed32, sfixed32, float.
    Fixed32(u32),
}

/// Why bytes are not a protobuf message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WireError {
    /// The data ends inside a field.
    Truncated,
    /// A varint longer than 10 bytes or larger than 64 bits.
    VarintTooLong,
    /// A wire type this reader does not accept (groups, or 6 and 7 which do not exist).
    BadWireType(u8),
    /// Field number 0, which protobuf reserves.
    FieldZero,
    /// A known field carried with another wire type than its declared type has (reported by
    /// the caller, which knows the schema).
    WrongWireType,
}

impl WireError {
    /// A short description for messages.
    pub(super) fn describe(self) -> &'static str {
        match self {
            WireError::Truncated => "the data is truncated",
            WireError::VarintTooLong => "a number is longer than 64 bits",
            WireError::BadWireType(_) => "a field has an unknown wire type",
            WireError::FieldZero => "a field has the reserved number 0",
            WireError::WrongWireType => "a field has the wrong wire type for its number",
        }
    }
}

/// Reads the fields of one message in order.
pub(super) struct Reader<'a> {
    data: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        Reader { data, position: 0 }
    }

    fn byte(&mut self) -> Result<u8, WireError> {
        let byte = *self.data.get(self.position).ok_or(WireError::Truncated)?;
        self.position += 1;
        Ok(byte)
    }

    fn varint(&mut self) -> Result<u64, WireError> {
        let mut value = 0u64;
        for index in 0..10 {
            let byte = self.byte()?;
            let bits = u64::from(byte & 0x7f);
            // The tenth byte may only carry the 64th bit.
            if index == 9 && bits > 1 {
                return Err(WireError::VarintTooLong);
            }
            value |= bits << (7 * index);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(WireError::VarintTooLong)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], WireError> {
        let end = self
            .position
            .checked_add(len)
            .filter(|&end| end <= self.data.len())
            .ok_or(WireError::Truncated)?;
        let bytes = &self.data[self.position..end];
        self.position = end;
        Ok(bytes)
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// The next field (number and value), or `None` at the end of the message.
    pub(super) fn next_field(&mut self) -> Result<Option<(u64, WireValue<'a>)>, WireError> {
        if self.position == self.data.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let number = key >> 3;
        if number == 0 {
            return Err(WireError::FieldZero);
        }
        let value = match (key & 7) as u8 {
            0 => WireValue::Varint(self.varint()?),
            1 => WireValue::Fixed64(u64::from_le_bytes(self.fixed()?)),
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| WireError::Truncated)?;
                WireValue::Bytes(self.take(len)?)
            }
            5 => WireValue::Fixed32(u32::from_le_bytes(self.fixed()?)),
            other => return Err(WireError::BadWireType(other)),
        };
        Ok(Some((number, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(data: &[u8]) -> Result<Vec<(u64, WireValue<'_>)>, WireError> {
        let mut reader = Reader::new(data);
        let mut out = Vec::new();
        while let Some(field) = reader.next_field()? {
            out.push(field);
        }
        Ok(out)
    }

    #[test]
    fn reads_every_wire_type() {
        // 1: varint 150 (the encoding guide's example), 2: "hi", 3: fixed64 1, 4: fixed32 2.
        let data = [
            0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x19, 1, 0, 0, 0, 0, 0, 0, 0, 0x25, 2, 0, 0,
            0,
        ];
        assert_eq!(
            fields(&data).expect("valid"),
            [
                (1, WireValue::Varint(150)),
                (2, WireValue::Bytes(b"hi")),
                (3, WireValue::Fixed64(1)),
                (4, WireValue::Fixed32(2)),
            ]
        );
    }

    #[test]
    fn reads_the_largest_varint() {
        let mut data = vec![0x08];
        data.extend([0xff; 9]);
        data.push(0x01);
        assert_eq!(
            fields(&data).expect("valid"),
            [(1, WireValue::Varint(u64::MAX))]
        );
    }

    #[test]
    fn fail_hostile_or_truncated_messages() {
        let mut too_long = vec![0x08];
        too_long.extend([0xff; 10]);
        too_long.push(0x01);
        let mut overflow = vec![0x08];
        overflow.extend([0xff; 9]);
        overflow.push(0x02);
        let cases: &[(&[u8], WireError)] = &[
            (&[0x08], WireError::Truncated),
            (&[0x08, 0x80], WireError::Truncated),
            (&too_long, WireError::VarintTooLong),
            (&overflow, WireError::VarintTooLong),
            // A length far beyond the data.
            (
                &[0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00],
                WireError::Truncated,
            ),
            (&[0x19, 1, 2, 3], WireError::Truncated),
            (&[0x0b], WireError::BadWireType(3)),
            (&[0x0e, 0x00], WireError::BadWireType(6)),
            (&[0x00, 0x00], WireError::FieldZero),
        ];
        for (data, want) in cases {
            assert_eq!(fields(data).expect_err("refused"), *want, "{data:02x?}");
        }
    }
}

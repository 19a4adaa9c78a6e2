//! The encryption the encrypted formats share: AES-256-GCM (NIST SP 800-38D) over RustCrypto's
//! `aes-gcm` (open for imports, seal for the encrypted export), and the hex and base64 decoding
//! their files wrap keys and data in. Key material and plaintexts live in zeroizing buffers.

use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};
use zeroize::Zeroizing;

/// Bytes of an AES-256 key.
pub(super) const KEY_LEN: usize = 32;
/// Bytes of a GCM nonce as both Aegis and 2FAS use it.
pub(super) const NONCE_LEN: usize = 12;
/// Bytes of a GCM tag.
pub(super) const TAG_LEN: usize = 16;

/// Decrypts and authenticates `ciphertext` (without its tag). `None` when the key is wrong or
/// the data was changed: GCM cannot tell the two apart. Lengths are the caller's to check;
/// wrong ones give `None` too.
pub(super) fn aes256gcm_open(
    key: &[u8],
    nonce: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    aes256gcm_open_with(key, nonce, &[], ciphertext, tag)
}

/// [`aes256gcm_open`] with associated data `aad` authenticated alongside (FreeOTP 2 binds
/// each key to its token this way).
pub(super) fn aes256gcm_open_with(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let nonce = Nonce::try_from(nonce).ok()?;
    let tag = Tag::try_from(tag).ok()?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into(), &tag)
        .ok()?;
    Some(buffer)
}

/// Encrypts `plaintext`, returning the ciphertext (same length) and the detached tag, as Aegis
/// stores them. `None` only for a key or nonce of the wrong length.
pub(super) fn aes256gcm_seal(
    key: &[u8],
    nonce: &[u8],
    plaintext: &[u8],
) -> Option<(Vec<u8>, [u8; TAG_LEN])> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let nonce = Nonce::try_from(nonce).ok()?;
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_inout_detached(&nonce, &[], buffer.as_mut_slice().into())
        .ok()?;
    Some((buffer, tag.into()))
}

/// Hex in either case.
pub(super) fn hex(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.trim().as_bytes())
        .ok()
        .map(Zeroizing::new)
}

/// Standard base64, padding optional, whitespace ignored.
pub(super) fn base64(text: &str) -> Option<Vec<u8>> {
    let compact: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .collect();
    data_encoding::BASE64_NOPAD.decode(&compact).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NIST GCM test vectors (gcmEncryptExtIV256.rsp, Count 0 with a 128-bit plaintext).
    #[test]
    fn opens_a_nist_vector_and_refuses_a_changed_tag() {
        let key = hex("31bdadd96698c204aa9ce1448ea94ae1fb4a9a0b3c9d773b51bb1822666b8f22").unwrap();
        let nonce = hex("0d18e06c7c725ac9e362e1ce").unwrap();
        let plaintext = hex("2db5168e932556f8089a0622981d017d").unwrap();
        let ciphertext = hex("fa4362189661d163fcd6a56d8bf0405a").unwrap();
        let mut tag = hex("d636ac1bbedd5cc3ee727dc2ab4a9489").unwrap();
        let opened = aes256gcm_open(&key, &nonce, &ciphertext, &tag).expect("authentic");
        assert_eq!(*opened, *plaintext);
        tag[0] ^= 1;
        assert!(aes256gcm_open(&key, &nonce, &ciphertext, &tag).is_none());
        assert!(aes256gcm_open(&key[..16], &nonce, &ciphertext, &tag).is_none());
    }

    #[test]
    fn seals_the_nist_vector_and_opens_what_it_sealed() {
        let key = hex("31bdadd96698c204aa9ce1448ea94ae1fb4a9a0b3c9d773b51bb1822666b8f22").unwrap();
        let nonce = hex("0d18e06c7c725ac9e362e1ce").unwrap();
        let plaintext = hex("2db5168e932556f8089a0622981d017d").unwrap();
        let (ciphertext, tag) = aes256gcm_seal(&key, &nonce, &plaintext).expect("sealed");
        assert_eq!(
            ciphertext,
            *hex("fa4362189661d163fcd6a56d8bf0405a").unwrap()
        );
        assert_eq!(tag[..], *hex("d636ac1bbedd5cc3ee727dc2ab4a9489").unwrap());
        let opened = aes256gcm_open(&key, &nonce, &ciphertext, &tag).expect("authentic");
        assert_eq!(*opened, *plaintext);
        assert!(aes256gcm_seal(&key[..16], &nonce, &plaintext).is_none());
    }

    #[test]
    fn base64_tolerates_padding_and_line_breaks() {
        assert_eq!(base64("aGVs\nbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert!(base64("a$b").is_none());
    }
}

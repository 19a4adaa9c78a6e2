//! The clipboard's picture on Windows, read as bytes (the registered `PNG` format that
//! browsers, Snipping Tool and Office put there, else the device-independent bitmap every
//! picture is also offered as), so it goes through the same bounded decoder as an imported
//! file. Sizes are checked before a byte is copied.

use std::num::NonZeroU32;

use clipboard_win::{Clipboard, formats, raw};
use zeroize::Zeroizing;

use super::one_line;
use crate::scan::{self, MAX_IMAGE_BYTES, ScanError};

/// The clipboard's picture as the bytes of an image file; `None` when it holds no picture.
pub(super) fn picture() -> Result<Option<Zeroizing<Vec<u8>>>, ScanError> {
    let failed = |e: &dyn std::fmt::Display| ScanError::Clipboard(one_line(&e.to_string()));
    let _open = Clipboard::new_attempts(10).map_err(|e| failed(&e))?;
    if let Some(png) = clipboard_win::register_format("PNG")
        .map(NonZeroU32::get)
        .filter(|&id| raw::is_format_avail(id))
    {
        return read(png).map(Some);
    }
    for dib in [formats::CF_DIBV5, formats::CF_DIB] {
        if raw::is_format_avail(dib) {
            let bitmap = read(dib)?;
            return scan::bmp_file_from_dib(&bitmap)
                .map(|file| Some(Zeroizing::new(file)))
                .ok_or(ScanError::Damaged {
                    format: "BMP",
                    reason: "the clipboard's bitmap header is not valid".to_owned(),
                });
        }
    }
    Ok(None)
}

/// The bytes of one clipboard format, refused before copying if there are too many.
fn read(format: u32) -> Result<Zeroizing<Vec<u8>>, ScanError> {
    let size = raw::size(format).map_or(0, |size| size.get());
    if size > MAX_IMAGE_BYTES {
        return Err(ScanError::FileTooLarge { size: size as u64 });
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(size));
    raw::get_vec(format, &mut bytes).map_err(|e| ScanError::Clipboard(one_line(&e.to_string())))?;
    Ok(bytes)
}

//! The clipboard's picture on macOS, read as the file data the pasteboard holds (PNG, TIFF
//! or JPEG), so it goes through the same bounded decoder as an imported file.

use objc2_app_kit::NSPasteboard;
use objc2_foundation::NSString;
use zeroize::Zeroizing;

use crate::scan::{MAX_IMAGE_BYTES, ScanError};

/// Pasteboard types in the order we prefer them (screenshots and browsers offer PNG and TIFF).
const PICTURE_TYPES: [&str; 3] = ["public.png", "public.tiff", "public.jpeg"];

/// The clipboard's picture as the bytes of an image file; `None` when it holds no picture.
pub(super) fn picture() -> Result<Option<Zeroizing<Vec<u8>>>, ScanError> {
    objc2::rc::autoreleasepool(|_| {
        let pasteboard = NSPasteboard::generalPasteboard();
        for name in PICTURE_TYPES {
            let Some(data) = pasteboard.dataForType(&NSString::from_str(name)) else {
                continue;
            };
            let size = data.length();
            if size > MAX_IMAGE_BYTES {
                return Err(ScanError::FileTooLarge { size: size as u64 });
            }
            return Ok(Some(Zeroizing::new(data.to_vec())));
        }
        Ok(None)
    })
}

//! Reading QR codes out of pictures: image files (PNG, JPEG, WebP: what phones, browsers and
//! screenshot tools write; BMP and TIFF: what the Windows and macOS clipboards hold) and raw
//! RGBA pixels (a screenshot).
//!
//! Decoding is bounded before any pixel is decoded: at most [`MAX_IMAGE_BYTES`] of file,
//! [`MAX_PIXELS`] pixels and [`MAX_SIDE`] pixels a side, whatever the header claims. The QR decoder (`rqrr`) then looks for
//! every code in the picture, dark on light and, when it finds none, light on dark (apps in a
//! dark theme). Codes come back in reading order (rows from the top, left to right in a row).
//! A code that is found but cannot be read (blurred, cut off) is skipped when others can be
//! read, since busy photos make false detections; when none can be read that is the error.
//!
//! The texts come back as found, in zeroizing buffers: they may hold secrets, so no error
//! message ever quotes them.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use zeroize::Zeroizing;

/// The texts of the codes in a picture, in reading order. They may hold secrets, hence the
/// zeroizing buffers.
pub type Codes = Vec<Zeroizing<String>>;

/// The largest image file read, in bytes.
pub const MAX_IMAGE_BYTES: usize = 50 * 1024 * 1024;
/// The most pixels an image may have (40 megapixels: larger than any phone photo or 8K
/// screenshot), checked from the header before decoding.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The longest side an image may have, in pixels: what JPEG allows, and within what the QR
/// detector's coordinate arithmetic handles.
pub const MAX_SIDE: u32 = 65_535;
/// The most memory the decoder may take for the pixels (40 MP at 16 bits per RGBA channel).
const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 8;
/// The most QR codes read from one picture: far more than fit on any screen.
pub const MAX_CODES: usize = 256;

/// Why no QR code text came out of a picture. Messages never hold a code's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// The bytes are not an image CogAuth reads.
    #[error("the file is not a PNG, JPEG, WebP, BMP or TIFF image")]
    NotAnImage,
    /// An image format CogAuth does not read (GIF, HEIC, AVIF).
    #[error("{0} images are not supported; save the picture as PNG, JPEG or WebP")]
    UnsupportedImage(&'static str),
    /// The file is larger than [`MAX_IMAGE_BYTES`].
    #[error(
        "the image file is {size} bytes long; images are limited to {} MiB",
        MAX_IMAGE_BYTES / (1024 * 1024)
    )]
    FileTooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// The image has more than [`MAX_PIXELS`] pixels, or a side longer than [`MAX_SIDE`] (by
    /// its header); nothing was decoded.
    #[error(
        "the image is {width}x{height} pixels; images are limited to {} megapixels and {MAX_SIDE} pixels a side",
        MAX_PIXELS / 1_000_000
    )]
    TooManyPixels {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Decoding would take more memory than CogAuth allows for one image.
    #[error(
        "decoding the image would take more than {} MiB of memory",
        MAX_DECODED_BYTES / (1024 * 1024)
    )]
    TooCostly,
    /// The image is truncated or damaged.
    #[error("the {format} image is damaged or truncated: {reason}")]
    Damaged {
        /// PNG, JPEG, WebP, BMP or TIFF.
        format: &'static str,
        /// What the decoder reported.
        reason: String,
    },
    /// Raw pixels whose buffer does not match their width and height.
    #[error(
        "the pixel buffer holds {len} bytes, not the {expected} of a {width}x{height} RGBA image"
    )]
    BadPixels {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The buffer's length.
        len: usize,
        /// `width * height * 4`.
        expected: u64,
    },
    /// No QR code was found in the picture.
    #[error("no QR code was found in the picture")]
    NoQrCode,
    /// QR codes were found but none could be read.
    #[error(
        "{found} QR code(s) were found but none could be read (blurred, cut off or too small?)"
    )]
    Unreadable {
        /// How many were found.
        found: usize,
    },
    /// The clipboard could not be read.
    #[error("cannot read the clipboard: {0}")]
    Clipboard(String),
    /// The clipboard holds no image and no otpauth URI.
    #[error("the clipboard holds neither an image nor an otpauth:// or otpauth-migration:// URI")]
    ClipboardEmpty,
    /// No way to take a screenshot worked (no screenshot portal, no X11 display).
    #[error("cannot take a screenshot: {0}")]
    Screenshot(String),
    /// The user refused or cancelled the screenshot.
    #[error("the screenshot was cancelled")]
    ScreenshotCancelled,
}

impl ScanError {
    /// A stable machine-readable name.
    pub fn kind(&self) -> &'static str {
        match self {
            ScanError::NotAnImage => "not_an_image",
            ScanError::UnsupportedImage(_) => "unsupported_image",
            ScanError::FileTooLarge { .. }
            | ScanError::TooManyPixels { .. }
            | ScanError::TooCostly => "image_too_large",
            ScanError::Damaged { .. } | ScanError::BadPixels { .. } => "invalid_image",
            ScanError::NoQrCode => "no_qr_code",
            ScanError::Unreadable { .. } => "unreadable_qr_code",
            ScanError::Clipboard(_) => "clipboard_unavailable",
            ScanError::ClipboardEmpty => "clipboard_empty",
            ScanError::Screenshot(_) => "screenshot_unavailable",
            ScanError::ScreenshotCancelled => "screenshot_cancelled",
        }
    }
}

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// PNG, JPEG, WebP, BMP or TIFF: decoded.
    Supported(ImageFormat),
    /// Another image format, by name: refused with a clear message.
    Unsupported(&'static str),
}

/// The image format `bytes` start with, if they start like an image.
pub fn image_kind(bytes: &[u8]) -> Option<ImageKind> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| {
        bytes
            .get(offset..offset + magic.len())
            .is_some_and(|b| b == magic)
    };
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Supported(ImageFormat::Png))
    } else if starts(b"\xff\xd8\xff") {
        Some(ImageKind::Supported(ImageFormat::Jpeg))
    } else if starts(b"RIFF") && at(8, b"WEBP") {
        Some(ImageKind::Supported(ImageFormat::WebP))
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(ImageKind::Unsupported("GIF"))
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Some(ImageKind::Supported(ImageFormat::Tiff))
    } else if starts(b"BM") && at(6, b"\0\0\0\0") {
        Some(ImageKind::Supported(ImageFormat::Bmp))
    } else if at(4, b"ftypheic") || at(4, b"ftypheix") || at(4, b"ftypmif1") {
        Some(ImageKind::Unsupported("HEIC"))
    } else if at(4, b"ftypavif") {
        Some(ImageKind::Unsupported("AVIF"))
    } else {
        None
    }
}

/// The texts of every QR code in a PNG, JPEG, WebP, BMP or TIFF image, in reading order.
pub fn decode_qr_image(bytes: &[u8]) -> Result<Codes, ScanError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ScanError::FileTooLarge {
            size: bytes.len() as u64,
        });
    }
    let format = match image_kind(bytes) {
        Some(ImageKind::Supported(format)) => format,
        Some(ImageKind::Unsupported(name)) => return Err(ScanError::UnsupportedImage(name)),
        None => return Err(ScanError::NotAnImage),
    };
    let picture = decode_image(bytes, format)?;
    let (width, height) = (picture.width(), picture.height());
    let luma = if picture.color().has_alpha() {
        // Transparent pixels are read as if on white paper: a code drawn on a transparent
        // background is dark on light, whatever colour the transparent pixels hold.
        picture
            .into_luma_alpha8()
            .pixels()
            .map(|p| over_white(p.0[0], p.0[1]))
            .collect()
    } else {
        picture.into_luma8().into_raw()
    };
    decode_luma(width, height, luma)
}

/// The texts of every QR code in an RGBA picture (`width * height * 4` bytes, rows top to
/// bottom), in reading order.
pub fn decode_qr_rgba(width: u32, height: u32, rgba: &[u8]) -> Result<Codes, ScanError> {
    // width·height fits in a u64, four times that may not.
    let expected = (u64::from(width) * u64::from(height)).saturating_mul(4);
    if rgba.len() as u64 != expected {
        return Err(ScanError::BadPixels {
            width,
            height,
            len: rgba.len(),
            expected,
        });
    }
    check_pixels(width, height)?;
    let luma = rgba
        .chunks_exact(4)
        .map(|p| over_white(luma_of(p[0], p[1], p[2]), p[3]))
        .collect();
    decode_luma(width, height, luma)
}

fn check_pixels(width: u32, height: u32) -> Result<(), ScanError> {
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width.max(height) > MAX_SIDE {
        return Err(ScanError::TooManyPixels { width, height });
    }
    Ok(())
}

/// Decodes an image whose header says it has at most [`MAX_PIXELS`] pixels.
fn decode_image(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, ScanError> {
    let name = match format {
        ImageFormat::Png => "PNG",
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Bmp => "BMP",
        ImageFormat::Tiff => "TIFF",
        _ => "WebP",
    };
    let damaged = |error: image::ImageError| ScanError::Damaged {
        format: name,
        reason: first_line(&error.to_string()),
    };
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|error| match error {
        image::ImageError::Limits(_) => ScanError::TooCostly,
        other => damaged(other),
    })?;
    let (width, height) = decoder.dimensions();
    check_pixels(width, height)?;
    if width == 0 || height == 0 {
        return Err(ScanError::Damaged {
            format: name,
            reason: "it has no pixels".to_owned(),
        });
    }
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(ScanError::TooCostly);
    }
    DynamicImage::from_decoder(decoder).map_err(|error| match error {
        image::ImageError::Limits(_) => ScanError::TooCostly,
        other => damaged(other),
    })
}

/// A BMP file made of a device-independent bitmap (what the Windows clipboard holds as
/// `CF_DIB` or `CF_DIBV5`: the info header, colour masks or palette, then the pixels) by
/// putting the 14-byte file header in front. `None` when the info header is too short or
/// names a size the bytes do not have; the pixels themselves are checked by the decoder.
pub fn bmp_file_from_dib(dib: &[u8]) -> Option<Vec<u8>> {
    const FILE_HEADER: u32 = 14;
    const BI_BITFIELDS: u32 = 3;
    const BI_ALPHABITFIELDS: u32 = 6;
    let u16_at = |at: usize| Some(u16::from_le_bytes(dib.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(dib.get(at..at + 4)?.try_into().ok()?));
    let header = u32_at(0)?;
    if header < 40 || header as usize > dib.len() {
        return None;
    }
    let bits = u16_at(14)?;
    let compression = u32_at(16)?;
    let colours_used = u32_at(32)?;
    // A BITMAPINFOHEADER is followed by its masks; the V4 and V5 headers hold them.
    let masks = match compression {
        BI_BITFIELDS if header == 40 => 12,
        BI_ALPHABITFIELDS if header == 40 => 16,
        _ => 0,
    };
    let palette_entries = match (colours_used, bits) {
        (0, 1..=8) => 1u32 << bits,
        (used, _) => used,
    };
    let pixels_at = FILE_HEADER
        .checked_add(header)?
        .checked_add(masks)?
        .checked_add(palette_entries.checked_mul(4)?)?;
    let file_size = u32::try_from(dib.len()).ok()?.checked_add(FILE_HEADER)?;
    if pixels_at > file_size {
        return None;
    }
    let mut file = Vec::with_capacity(file_size as usize);
    file.extend_from_slice(b"BM");
    file.extend_from_slice(&file_size.to_le_bytes());
    file.extend_from_slice(&[0; 4]);
    file.extend_from_slice(&pixels_at.to_le_bytes());
    file.extend_from_slice(dib);
    Some(file)
}

/// A decoder message fit for one line (they are short already; this only guards the form).
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    line.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// Rec. 601 luma of an sRGB pixel.
fn luma_of(r: u8, g: u8, b: u8) -> u8 {
    let luma = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000;
    luma.min(255) as u8
}

/// A pixel of luma `l` and opacity `a` laid over white.
fn over_white(l: u8, a: u8) -> u8 {
    let (l, a) = (u32::from(l), u32::from(a));
    ((l * a + 255 * (255 - a)) / 255).min(255) as u8
}

/// Finds and reads the codes in a grey picture; tries it inverted when nothing is found.
fn decode_luma(width: u32, height: u32, luma: Vec<u8>) -> Result<Codes, ScanError> {
    check_pixels(width, height)?;
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 || luma.len() != w * h {
        return Err(ScanError::NoQrCode);
    }
    let mut luma = luma;
    let found = find_codes(w, h, &mut luma);
    if let Ok(codes) = &found
        && !codes.is_empty()
    {
        return found;
    }
    // Nothing was read, so nothing was painted over: the picture is intact.
    for value in &mut luma {
        *value = 255 - *value;
    }
    match (found, find_codes(w, h, &mut luma)) {
        (_, Ok(codes)) if !codes.is_empty() => Ok(codes),
        (Err(error), _) | (_, Err(error)) => Err(error),
        _ => Err(ScanError::NoQrCode),
    }
}

/// The most detection passes over one picture.
const MAX_PASSES: usize = 16;

/// The readable codes of a picture: `Ok(empty)` when none was found at all.
///
/// The detector pairs finder patterns, and in a grid of codes it can pair patterns of
/// neighbouring codes and miss some codes. So each code read is painted over (white) and the
/// picture searched again, until a pass reads nothing new.
fn find_codes(w: usize, h: usize, luma: &mut [u8]) -> Result<Codes, ScanError> {
    let mut read: Vec<([rqrr::Point; 4], Zeroizing<String>)> = Vec::new();
    let mut unreadable = 0;
    for _ in 0..MAX_PASSES {
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
        let grids = prepared.detect_grids();
        let before = read.len();
        for grid in grids.iter().take(MAX_CODES - read.len()) {
            match read_grid(grid) {
                Some(text) => read.push((grid.bounds, text)),
                None => unreadable += 1,
            }
        }
        drop(grids);
        if read.len() == before || read.len() >= MAX_CODES {
            break;
        }
        for (bounds, _) in &read[before..] {
            paint_white(w, h, luma, bounds);
        }
    }
    if read.is_empty() {
        return if unreadable == 0 {
            Ok(Vec::new())
        } else {
            Err(ScanError::Unreadable { found: unreadable })
        };
    }
    sort_in_reading_order(&mut read);
    Ok(read.into_iter().map(|(_, text)| text).collect())
}

/// Paints a found code white: its quadrilateral, grown by a tenth around its centre so that
/// the edges of its finder patterns go too.
fn paint_white(w: usize, h: usize, luma: &mut [u8], bounds: &[rqrr::Point; 4]) {
    let cx = bounds.iter().map(|p| f64::from(p.x)).sum::<f64>() / 4.0;
    let cy = bounds.iter().map(|p| f64::from(p.y)).sum::<f64>() / 4.0;
    let grown: Vec<(f64, f64)> = bounds
        .iter()
        .map(|p| {
            (
                cx + (f64::from(p.x) - cx) * 1.1,
                cy + (f64::from(p.y) - cy) * 1.1,
            )
        })
        .collect();
    let clamp = |v: f64, max: usize| v.max(0.0).min(max as f64 - 1.0) as usize;
    let (x0, x1) = grown.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.0), hi.max(p.0))
    });
    let (y0, y1) = grown.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    for y in clamp(y0.floor(), h)..=clamp(y1.ceil(), h) {
        for x in clamp(x0.floor(), w)..=clamp(x1.ceil(), w) {
            if inside(&grown, x as f64, y as f64) {
                luma[y * w + x] = 255;
            }
        }
    }
}

/// Whether a point is inside a convex polygon (either winding).
fn inside(polygon: &[(f64, f64)], x: f64, y: f64) -> bool {
    let (mut positive, mut negative) = (false, false);
    for (i, a) in polygon.iter().enumerate() {
        let b = polygon[(i + 1) % polygon.len()];
        let cross = (b.0 - a.0) * (y - a.1) - (b.1 - a.1) * (x - a.0);
        positive |= cross > 0.0;
        negative |= cross < 0.0;
    }
    !(positive && negative)
}

/// The text of one code, if it decodes and is UTF-8.
fn read_grid<G: rqrr::BitGrid>(grid: &rqrr::Grid<G>) -> Option<Zeroizing<String>> {
    // Reserved up front so that writing never reallocates and leaves copies behind.
    let mut bytes = Zeroizing::new(Vec::with_capacity(rqrr::MAX_PAYLOAD_SIZE));
    grid.decode_to(&mut *bytes).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    Some(Zeroizing::new(text.to_owned()))
}

/// Rows from the top (codes whose vertical extents overlap share a row), left to right in a
/// row, so that the order does not depend on a pixel of tilt.
fn sort_in_reading_order<T>(codes: &mut [([rqrr::Point; 4], T)]) {
    let extent = |points: &[rqrr::Point; 4]| {
        let ys = points.iter().map(|p| p.y);
        let xs = points.iter().map(|p| p.x);
        (
            ys.clone().min().unwrap_or(0),
            ys.max().unwrap_or(0),
            xs.min().unwrap_or(0),
        )
    };
    codes.sort_by_key(|(points, _)| extent(points).0);
    let mut start = 0;
    while start < codes.len() {
        let (_, mut bottom, _) = extent(&codes[start].0);
        let mut end = start + 1;
        while end < codes.len() {
            let (top, low, _) = extent(&codes[end].0);
            if top > bottom {
                break;
            }
            bottom = bottom.max(low);
            end += 1;
        }
        codes[start..end].sort_by_key(|(points, _)| extent(points).2);
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_name_the_format() {
        assert_eq!(
            image_kind(b"\x89PNG\r\n\x1a\nrest"),
            Some(ImageKind::Supported(ImageFormat::Png))
        );
        assert_eq!(
            image_kind(b"\xff\xd8\xff\xe0"),
            Some(ImageKind::Supported(ImageFormat::Jpeg))
        );
        assert_eq!(
            image_kind(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some(ImageKind::Supported(ImageFormat::WebP))
        );
        assert_eq!(
            image_kind(b"II*\0\x08\0\0\0"),
            Some(ImageKind::Supported(ImageFormat::Tiff))
        );
        assert_eq!(
            image_kind(b"BM\x46\0\0\0\0\0\0\0"),
            Some(ImageKind::Supported(ImageFormat::Bmp))
        );
        assert_eq!(image_kind(b"GIF89a"), Some(ImageKind::Unsupported("GIF")));
        assert_eq!(image_kind(b"otpauth://totp/x"), None);
        assert_eq!(image_kind(b"RIFF"), None);
        assert_eq!(image_kind(b""), None);
    }

    #[test]
    fn transparent_pixels_count_as_white() {
        assert_eq!(over_white(0, 0), 255);
        assert_eq!(over_white(0, 255), 0);
        assert_eq!(over_white(255, 255), 255);
        assert_eq!(luma_of(255, 255, 255), 255);
        assert_eq!(luma_of(0, 0, 0), 0);
    }

    #[test]
    fn fail_pixels_that_do_not_match_their_size_are_refused() {
        let error = decode_qr_rgba(2, 2, &[0; 15]).expect_err("short");
        assert_eq!(error.kind(), "invalid_image");
        let error = decode_qr_rgba(0, 0, &[]).expect_err("empty");
        assert_eq!(error, ScanError::NoQrCode);
        let error = decode_qr_rgba(u32::MAX, u32::MAX, &[]).expect_err("huge");
        assert_eq!(error.kind(), "invalid_image");
    }

    #[test]
    fn reading_order_is_rows_then_columns() {
        let square = |x: i32, y: i32| {
            [
                rqrr::Point { x, y },
                rqrr::Point { x: x + 10, y },
                rqrr::Point {
                    x: x + 10,
                    y: y + 10,
                },
                rqrr::Point { x, y: y + 10 },
            ]
        };
        let mut codes = vec![
            (square(50, 2), "b"),
            (square(0, 40), "c"),
            (square(0, 0), "a"),
            (square(60, 45), "d"),
        ];
        sort_in_reading_order(&mut codes);
        let order: Vec<&str> = codes.iter().map(|(_, t)| *t).collect();
        assert_eq!(order, ["a", "b", "c", "d"]);
    }
}

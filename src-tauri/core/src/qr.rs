//! QR codes of otpauth URIs: SVG for the UI, PNG for files.
//!
//! The output encodes a secret, so it comes back in a zeroizing buffer.

use qrcode::{Color, EcLevel, QrCode};
use zeroize::Zeroizing;

/// Pixels per QR module in PNG output: a 33-module code becomes about 330 px, easy to scan.
const PNG_SCALE: usize = 8;
/// Quiet zone in modules, as the QR standard requires.
const QUIET_ZONE: usize = 4;

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The text does not fit in a QR code.
    #[error("the text is too long for a QR code")]
    TooLong,
    /// PNG encoding failed.
    #[error("cannot encode the PNG: {0}")]
    Png(String),
}

fn code(text: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|_| QrError::TooLong)
}

/// An SVG document of the QR code.
pub fn to_svg(text: &str) -> Result<Zeroizing<String>, QrError> {
    Ok(Zeroizing::new(
        code(text)?
            .render::<qrcode::render::svg::Color<'_>>()
            .quiet_zone(true)
            .min_dimensions(256, 256)
            .build(),
    ))
}

/// A grayscale PNG of the QR code.
pub fn to_png(text: &str) -> Result<Zeroizing<Vec<u8>>, QrError> {
    let code = code(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * PNG_SCALE;
    let mut pixels = Zeroizing::new(vec![255u8; side * side]);
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (x0, y0) = (
            (i % modules + QUIET_ZONE) * PNG_SCALE,
            (i / modules + QUIET_ZONE) * PNG_SCALE,
        );
        for y in y0..y0 + PNG_SCALE {
            pixels[y * side + x0..y * side + x0 + PNG_SCALE].fill(0);
        }
    }
    let mut out = Zeroizing::new(Vec::new());
    let side_u32 = u32::try_from(side).map_err(|_| QrError::TooLong)?;
    let mut encoder = png::Encoder::new(&mut *out, side_u32, side_u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let png_error = |e: png::EncodingError| QrError::Png(e.to_string());
    let mut writer = encoder.write_header().map_err(png_error)?;
    writer.write_image_data(&pixels).map_err(png_error)?;
    writer.finish().map_err(png_error)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_and_svg_are_well_formed() {
        let text = "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A";
        let png = to_png(text).expect("png");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let svg = to_svg(text).expect("svg");
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }

    #[test]
    fn fail_text_too_long_for_qr() {
        assert!(matches!(to_png(&"x".repeat(5000)), Err(QrError::TooLong)));
    }
}

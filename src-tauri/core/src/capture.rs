//! QR codes from the clipboard and from the screen, read through [`crate::scan`].
//!
//! - [`clipboard_image`]: the clipboard's picture, read as the image file its owner offers
//!   (X11, and Wayland desktops through XWayland's clipboard: the selection protocol over
//!   x11rb; Windows: the `PNG` format or the bitmap; macOS: the pasteboard's PNG, TIFF or
//!   JPEG data) and decoded within the same limits as a file; or, when it holds text, the
//!   otpauth URIs copied (through arboard).
//! - [`screenshot`] (Linux and the BSDs): the XDG desktop portal's `Screenshot` call
//!   (`org.freedesktop.portal.Screenshot`, non-interactive; needs a running
//!   xdg-desktop-portal with a backend, as GNOME and KDE ship; the only way under Wayland),
//!   or the X11 root window (`GetImage`; any X server, Xvfb included). Under Wayland the
//!   portal is tried first, under X11 the root window (silent, and it shows what the user
//!   sees). The portal writes the screenshot to a file: it is read and deleted, since it may
//!   show a secret. Other systems: not supported (save a screenshot and import the file).
//!
//! Everything here talks to the display server over its socket in pure Rust (x11rb, zbus), so
//! the CLI links no GUI library.

use zeroize::Zeroizing;

use crate::scan::{self, Codes, ScanError};

/// The texts of the QR codes in the clipboard's image, or, when the clipboard holds text, its
/// lines if every non-blank line is an `otpauth://` or `otpauth-migration://` URI.
///
/// The picture is read as the file bytes its owner offers and decoded by
/// [`scan::decode_qr_image`], with the same limits as an imported file.
pub fn clipboard_image() -> Result<Codes, ScanError> {
    if let Some(picture) = clipboard_picture()? {
        return scan::decode_qr_image(&picture);
    }
    let unavailable = |error: arboard::Error| ScanError::Clipboard(one_line(&error.to_string()));
    let mut clipboard = arboard::Clipboard::new().map_err(unavailable)?;
    match clipboard.get_text() {
        Ok(text) => uris_in(&Zeroizing::new(text)).ok_or(ScanError::ClipboardEmpty),
        Err(
            error @ (arboard::Error::ClipboardNotSupported | arboard::Error::ClipboardOccupied),
        ) => Err(unavailable(error)),
        Err(_) => Err(ScanError::ClipboardEmpty),
    }
}

/// The clipboard's picture as the bytes of an image file, if it holds one.
fn clipboard_picture() -> Result<Option<Zeroizing<Vec<u8>>>, ScanError> {
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ))]
    {
        x11_clipboard::picture()
    }
    #[cfg(target_os = "windows")]
    {
        windows_clipboard::picture()
    }
    #[cfg(target_os = "macos")]
    {
        macos_clipboard::picture()
    }
    #[cfg(any(
        target_os = "ios",
        target_os = "android",
        not(any(unix, target_os = "windows"))
    ))]
    {
        Ok(None)
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
mod x11_clipboard;

#[cfg(target_os = "windows")]
mod windows_clipboard;

#[cfg(target_os = "macos")]
mod macos_clipboard;

/// The lines of copied text, if every non-blank one is an otpauth or migration URI.
pub fn uris_in(text: &str) -> Option<Codes> {
    let is_uri = |line: &str| {
        let lower = line.get(..20).unwrap_or(line).to_ascii_lowercase();
        lower.starts_with("otpauth://") || lower.starts_with("otpauth-migration://")
    };
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() || !lines.iter().all(|l| is_uri(l)) {
        return None;
    }
    Some(
        lines
            .into_iter()
            .map(|l| Zeroizing::new(l.to_owned()))
            .collect(),
    )
}

/// A library's message made fit for one line.
fn one_line(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("unknown error");
    line.trim()
        .trim_end_matches('.')
        .chars()
        .take(200)
        .collect()
}

/// The texts of the QR codes on the screen.
pub fn screenshot() -> Result<Codes, ScanError> {
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ))]
    {
        unix_desktop::screenshot()
    }
    #[cfg(not(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )))]
    {
        Err(ScanError::Screenshot(
            "screenshots are supported on Linux only; save a screenshot as a file and import it"
                .to_owned(),
        ))
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
mod unix_desktop {
    use std::collections::HashMap;
    use std::io::Read;
    use std::time::Duration;

    use futures_lite::StreamExt;
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ConnectionExt, ImageFormat, ImageOrder};
    use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

    use super::one_line;
    use crate::scan::{self, Codes, MAX_IMAGE_BYTES, MAX_PIXELS, ScanError};

    /// How long the portal may take: it may ask the user for permission first.
    const PORTAL_TIMEOUT: Duration = Duration::from_secs(120);
    const PORTAL: &str = "org.freedesktop.portal.Desktop";
    const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";

    /// Why the portal gave no screenshot.
    enum PortalError {
        /// No session bus, or no portal on it: try something else.
        Unavailable(String),
        /// The user said no.
        Cancelled,
        /// The portal is there and failed.
        Failed(String),
    }

    pub(super) fn screenshot() -> Result<Codes, ScanError> {
        let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty());
        let x11 = std::env::var_os("DISPLAY").is_some_and(|v| !v.is_empty());
        if x11 && !wayland {
            return match root_window() {
                Ok(codes) => Ok(codes),
                Err(ScanError::Screenshot(x11_error)) => {
                    from_portal().map_err(|error| either_failed(error, &x11_error))
                }
                Err(other) => Err(other),
            };
        }
        from_portal().or_else(|error| match error {
            ScanError::Screenshot(portal_error) if x11 => {
                root_window().map_err(|error| either_failed(error, &portal_error))
            }
            other => Err(other),
        })
    }

    /// When both ways failed to take a picture, one message with both reasons.
    fn either_failed(second: ScanError, first_reason: &str) -> ScanError {
        match second {
            ScanError::Screenshot(reason) => {
                ScanError::Screenshot(format!("{first_reason}; and {reason}"))
            }
            other => other,
        }
    }

    fn from_portal() -> Result<Codes, ScanError> {
        let work = async {
            futures_lite::future::or(portal_screenshot(), async {
                async_io::Timer::after(PORTAL_TIMEOUT).await;
                Err(PortalError::Failed(
                    "the screenshot portal did not answer within 2 minutes".to_owned(),
                ))
            })
            .await
        };
        match futures_lite::future::block_on(work) {
            Ok(path) => read_and_delete(&path),
            Err(PortalError::Cancelled) => Err(ScanError::ScreenshotCancelled),
            Err(PortalError::Unavailable(reason)) => Err(ScanError::Screenshot(format!(
                "no screenshot portal ({reason})"
            ))),
            Err(PortalError::Failed(reason)) => Err(ScanError::Screenshot(reason)),
        }
    }

    fn classify(error: zbus::Error) -> PortalError {
        match &error {
            // ServiceUnknown, UnknownMethod, UnknownInterface…: there is no usable portal.
            zbus::Error::MethodError(name, _, _)
                if name.as_str().starts_with("org.freedesktop.DBus.Error.") =>
            {
                PortalError::Unavailable(one_line(&error.to_string()))
            }
            zbus::Error::FDO(_) | zbus::Error::Address(_) | zbus::Error::InputOutput(_) => {
                PortalError::Unavailable(one_line(&error.to_string()))
            }
            _ => PortalError::Failed(format!(
                "the screenshot portal failed: {}",
                one_line(&error.to_string())
            )),
        }
    }

    /// The `Response` signals of the portal request at `path`.
    async fn request_responses(
        connection: &zbus::Connection,
        path: &str,
    ) -> Result<zbus::proxy::SignalStream<'static>, PortalError> {
        let request = zbus::Proxy::new(connection, PORTAL, path, "org.freedesktop.portal.Request")
            .await
            .map_err(classify)?;
        request.receive_signal("Response").await.map_err(classify)
    }

    /// Asks the portal for a screenshot and returns the path of the file it wrote.
    async fn portal_screenshot() -> Result<std::path::PathBuf, PortalError> {
        let connection = zbus::Connection::session().await.map_err(|e| {
            PortalError::Unavailable(format!("no session bus: {}", one_line(&e.to_string())))
        })?;
        let sender = connection
            .unique_name()
            .map(|name| name.as_str().trim_start_matches(':').replace('.', "_"))
            .ok_or_else(|| PortalError::Unavailable("no name on the session bus".to_owned()))?;
        let token = format!("cogauth_{}", std::process::id());
        let request_path = format!("{PORTAL_PATH}/request/{sender}/{token}");
        // Listening before asking, so that a quick answer is not missed.
        let mut responses = request_responses(&connection, &request_path).await?;
        let portal = zbus::Proxy::new(
            &connection,
            PORTAL,
            PORTAL_PATH,
            "org.freedesktop.portal.Screenshot",
        )
        .await
        .map_err(classify)?;
        let mut options: HashMap<&str, Value<'_>> = HashMap::new();
        options.insert("handle_token", Value::from(token.as_str()));
        options.insert("interactive", Value::from(false));
        let handle: OwnedObjectPath = portal
            .call("Screenshot", &("", options))
            .await
            .map_err(classify)?;
        if handle.as_str() != request_path {
            // An old portal that ignores handle_token: listen where it says.
            responses = request_responses(&connection, handle.as_str()).await?;
        }
        let message = responses.next().await.ok_or_else(|| {
            PortalError::Failed("the screenshot portal closed without answering".to_owned())
        })?;
        let (code, results): (u32, HashMap<String, OwnedValue>) =
            message.body().deserialize().map_err(|e| {
                PortalError::Failed(format!(
                    "the screenshot portal answered in an unknown form: {}",
                    one_line(&e.to_string())
                ))
            })?;
        match code {
            0 => {}
            1 => return Err(PortalError::Cancelled),
            _ => {
                return Err(PortalError::Failed(
                    "the screenshot portal could not take the screenshot".to_owned(),
                ));
            }
        }
        let uri = results
            .get("uri")
            .and_then(|value| String::try_from(value.clone()).ok())
            .ok_or_else(|| PortalError::Failed("the screenshot portal gave no file".to_owned()))?;
        let path = uri.strip_prefix("file://").ok_or_else(|| {
            PortalError::Failed("the screenshot portal gave no local file".to_owned())
        })?;
        let path = percent_encoding::percent_decode_str(path).collect::<Vec<u8>>();
        Ok(std::path::PathBuf::from(
            <std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(path),
        ))
    }

    /// Reads the portal's screenshot and deletes it: it may show a secret.
    fn read_and_delete(path: &std::path::Path) -> Result<Codes, ScanError> {
        let mut bytes = Vec::new();
        let read = std::fs::File::open(path).and_then(|file| {
            file.take(MAX_IMAGE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        });
        let _ = std::fs::remove_file(path);
        read.map_err(|e| {
            ScanError::Screenshot(format!("cannot read the portal's screenshot: {e}"))
        })?;
        scan::decode_qr_image(&bytes)
    }

    /// The codes in the X11 root window (every monitor of the display).
    fn root_window() -> Result<Codes, ScanError> {
        let (width, height, rgba) = grab_root().map_err(ScanError::Screenshot)?;
        scan::decode_qr_rgba(width, height, &rgba)
    }

    /// The root window's pixels as RGBA.
    fn grab_root() -> Result<(u32, u32, Vec<u8>), String> {
        let failed = |e: &dyn std::fmt::Display| {
            format!("cannot read the X11 screen: {}", one_line(&e.to_string()))
        };
        let (connection, screen_number) = x11rb::connect(None)
            .map_err(|e| format!("no X11 display: {}", one_line(&e.to_string())))?;
        let setup = connection.setup();
        let screen = setup
            .roots
            .get(screen_number)
            .ok_or("the X11 display has no such screen")?;
        let (width, height) = (screen.width_in_pixels, screen.height_in_pixels);
        if u64::from(width) * u64::from(height) > MAX_PIXELS {
            return Err(format!(
                "the X11 screen is {width}x{height} pixels, more than CogAuth reads"
            ));
        }
        let image = connection
            .get_image(
                ImageFormat::Z_PIXMAP,
                screen.root,
                0,
                0,
                width,
                height,
                u32::MAX,
            )
            .map_err(|e| failed(&e))?
            .reply()
            .map_err(|e| failed(&e))?;
        let format = setup
            .pixmap_formats
            .iter()
            .find(|f| f.depth == image.depth)
            .ok_or("the X11 screen's pixel format is unknown")?;
        let visual = screen
            .allowed_depths
            .iter()
            .flat_map(|d| &d.visuals)
            .find(|v| v.visual_id == image.visual)
            .ok_or("the X11 screen's visual is unknown")?;
        let bytes_per_pixel = match format.bits_per_pixel {
            16 => 2,
            24 => 3,
            32 => 4,
            other => return Err(format!("{other}-bit X11 screens are not supported")),
        };
        let pad = usize::from(format.scanline_pad.max(8));
        let stride = (usize::from(width) * bytes_per_pixel * 8).div_ceil(pad) * pad / 8;
        if image.data.len() < stride * usize::from(height) {
            return Err("the X11 server sent a short image".to_owned());
        }
        let lsb_first = setup.image_byte_order == ImageOrder::LSB_FIRST;
        let channel = |value: u32, mask: u32| -> u8 {
            if mask == 0 {
                return 0;
            }
            let shift = mask.trailing_zeros();
            let bits = (mask >> shift).count_ones();
            let v = (value & mask) >> shift;
            if bits >= 8 {
                (v >> (bits - 8)) as u8
            } else {
                (v * 255 / ((1 << bits) - 1)) as u8
            }
        };
        let mut rgba = Vec::with_capacity(usize::from(width) * usize::from(height) * 4);
        for row in image.data.chunks(stride).take(usize::from(height)) {
            for pixel in row[..usize::from(width) * bytes_per_pixel].chunks_exact(bytes_per_pixel) {
                let value = if lsb_first {
                    pixel
                        .iter()
                        .rev()
                        .fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
                } else {
                    pixel.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
                };
                rgba.extend_from_slice(&[
                    channel(value, visual.red_mask),
                    channel(value, visual.green_mask),
                    channel(value, visual.blue_mask),
                    255,
                ]);
            }
        }
        Ok((u32::from(width), u32::from(height), rgba))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn either_failed_keeps_both_reasons() {
            let error = either_failed(
                ScanError::Screenshot("no X11 display: x".into()),
                "no portal",
            );
            assert_eq!(
                error.to_string(),
                "cannot take a screenshot: no portal; and no X11 display: x"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_uris_are_taken_line_by_line_and_other_text_is_not() {
        let codes = uris_in(
            " otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP \n\nOTPAUTH-MIGRATION://offline?data=x\n",
        )
        .expect("two URIs");
        assert_eq!(codes.len(), 2);
        assert_eq!(
            codes[0].as_str(),
            "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP"
        );
        assert!(uris_in("hello").is_none());
        assert!(uris_in("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\nhello").is_none());
        assert!(uris_in("  \n").is_none());
        assert!(uris_in("otpauth:/").is_none());
    }
}

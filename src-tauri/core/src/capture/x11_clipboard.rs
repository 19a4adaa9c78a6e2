//! The clipboard's picture on X11, read as the file its owner offers (PNG, JPEG, WebP, BMP or
//! TIFF), so it goes through the same bounded decoder as an imported file: nothing is decoded
//! and no buffer larger than [`MAX_IMAGE_BYTES`] is kept, whatever the owner claims.
//!
//! The ICCCM selection protocol over x11rb: ask the `CLIPBOARD` owner for `TARGETS`, pick the
//! first picture type we read, ask for it into a property of our own window, and read the
//! property, through the `INCR` protocol when the owner sends it in chunks (xclip, browsers
//! and screenshot tools do for anything over a few hundred KiB).

use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ConnectionExt, CreateWindowAux, EventMask, Property, Window, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use zeroize::Zeroizing;

use super::one_line;
use crate::scan::{MAX_IMAGE_BYTES, ScanError};

/// Picture types in the order we prefer them: lossless and small first.
const PICTURE_TYPES: [&str; 5] = [
    "image/png",
    "image/webp",
    "image/jpeg",
    "image/bmp",
    "image/tiff",
];

/// How long the clipboard's owner may take to answer one request (or send one chunk).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// The clipboard's picture as its file bytes; `None` when it offers no picture type we read
/// (it may hold text).
pub(super) fn picture() -> Result<Option<Zeroizing<Vec<u8>>>, ScanError> {
    let failed = |e: &dyn std::fmt::Display| ScanError::Clipboard(one_line(&e.to_string()));
    let (connection, screen) = x11rb::connect(None).map_err(|e| failed(&e))?;
    let mut reader = Reader::new(connection, screen).map_err(|e| failed(&e))?;
    reader.picture()
}

struct Reader {
    connection: RustConnection,
    window: Window,
    clipboard: Atom,
    targets: Atom,
    incr: Atom,
    /// The property of our window the owner writes into.
    property: Atom,
}

type X11Result<T> = Result<T, Box<dyn std::error::Error>>;

impl Reader {
    fn new(connection: RustConnection, screen: usize) -> X11Result<Self> {
        let root = connection
            .setup()
            .roots
            .get(screen)
            .ok_or("the X11 display has no such screen")?
            .root;
        let window = connection.generate_id()?;
        connection.create_window(
            x11rb::COPY_DEPTH_FROM_PARENT,
            window,
            root,
            0,
            0,
            1,
            1,
            0,
            WindowClass::INPUT_ONLY,
            x11rb::COPY_FROM_PARENT,
            &CreateWindowAux::new().event_mask(EventMask::PROPERTY_CHANGE),
        )?;
        let atom = |name: &str| -> X11Result<Atom> {
            Ok(connection
                .intern_atom(false, name.as_bytes())?
                .reply()?
                .atom)
        };
        let (clipboard, targets, incr, property) = (
            atom("CLIPBOARD")?,
            atom("TARGETS")?,
            atom("INCR")?,
            atom("COGAUTH_CLIPBOARD")?,
        );
        Ok(Reader {
            connection,
            window,
            clipboard,
            targets,
            incr,
            property,
        })
    }

    fn picture(&mut self) -> Result<Option<Zeroizing<Vec<u8>>>, ScanError> {
        let failed = |e: &dyn std::fmt::Display| ScanError::Clipboard(one_line(&e.to_string()));
        let Some(offered) = self.convert(self.targets).map_err(|e| failed(&*e))? else {
            return Ok(None);
        };
        let offered: Vec<Atom> = offered
            .chunks_exact(4)
            .map(|a| u32::from_ne_bytes([a[0], a[1], a[2], a[3]]))
            .collect();
        for name in PICTURE_TYPES {
            let target = self
                .connection
                .intern_atom(true, name.as_bytes())
                .map_err(|e| failed(&e))?
                .reply()
                .map_err(|e| failed(&e))?
                .atom;
            if target != x11rb::NONE && offered.contains(&target) {
                return self
                    .convert(target)
                    .map_err(|e| match e.downcast::<TooLarge>() {
                        Ok(too_large) => ScanError::FileTooLarge { size: too_large.0 },
                        Err(other) => failed(&*other),
                    });
            }
        }
        Ok(None)
    }

    /// Asks the owner for the clipboard as `target` and reads the answer; `None` when there is
    /// no owner or it refuses the target.
    fn convert(&mut self, target: Atom) -> X11Result<Option<Zeroizing<Vec<u8>>>> {
        self.connection.convert_selection(
            self.window,
            self.clipboard,
            target,
            self.property,
            x11rb::CURRENT_TIME,
        )?;
        self.connection.flush()?;
        let answered = self.wait(|event| match event {
            Event::SelectionNotify(notify) if notify.requestor == self.window => {
                Some(notify.property)
            }
            _ => None,
        })?;
        if answered == x11rb::NONE {
            return Ok(None);
        }
        let head = self.read_property(false, 0)?;
        if head.type_ == self.incr {
            let announced = head.value32().and_then(|mut v| v.next()).unwrap_or(0);
            check_size(u64::from(announced))?;
            return self.read_incrementally().map(Some);
        }
        let size = u64::from(head.bytes_after);
        check_size(size)?;
        let whole = self.read_property(true, size)?;
        Ok(Some(Zeroizing::new(whole.value)))
    }

    /// The INCR protocol: deleting the property asks for the next chunk; an empty chunk ends.
    fn read_incrementally(&mut self) -> X11Result<Zeroizing<Vec<u8>>> {
        let mut bytes = Zeroizing::new(Vec::new());
        self.connection
            .delete_property(self.window, self.property)?;
        self.connection.flush()?;
        loop {
            self.wait(|event| match event {
                Event::PropertyNotify(notify)
                    if notify.window == self.window
                        && notify.atom == self.property
                        && notify.state == Property::NEW_VALUE =>
                {
                    Some(())
                }
                _ => None,
            })?;
            let head = self.read_property(false, 0)?;
            let size = u64::from(head.bytes_after);
            check_size(bytes.len() as u64 + size)?;
            let chunk = Zeroizing::new(self.read_property(true, size)?.value);
            self.connection.flush()?;
            if chunk.is_empty() {
                return Ok(bytes);
            }
            bytes.extend_from_slice(&chunk);
        }
    }

    /// Reads `size` bytes of our property (0: only its type and size), deleting it if asked.
    fn read_property(
        &self,
        delete: bool,
        size: u64,
    ) -> X11Result<x11rb::protocol::xproto::GetPropertyReply> {
        let words = u32::try_from(size.div_ceil(4)).map_err(|_| TooLarge(size))?;
        Ok(self
            .connection
            .get_property(delete, self.window, self.property, AtomEnum::ANY, 0, words)?
            .reply()?)
    }

    /// Waits for the event `wanted` picks out, at most [`ANSWER_TIMEOUT`].
    fn wait<T>(&self, wanted: impl Fn(&Event) -> Option<T>) -> X11Result<T> {
        let deadline = Instant::now() + ANSWER_TIMEOUT;
        loop {
            match self.connection.poll_for_event()? {
                Some(event) => {
                    if let Some(found) = wanted(&event) {
                        return Ok(found);
                    }
                }
                None if Instant::now() >= deadline => {
                    return Err("the clipboard's owner did not answer within 5 s".into());
                }
                None => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.connection.destroy_window(self.window);
        let _ = self.connection.flush();
    }
}

/// The owner offered more bytes than an imported file may have.
#[derive(Debug)]
struct TooLarge(u64);

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the clipboard's picture has {} bytes", self.0)
    }
}

impl std::error::Error for TooLarge {}

fn check_size(size: u64) -> Result<(), TooLarge> {
    if size > MAX_IMAGE_BYTES as u64 {
        return Err(TooLarge(size));
    }
    Ok(())
}

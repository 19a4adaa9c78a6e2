//! Questions the shell asks the user itself, in a native dialog the page cannot see, draw or
//! answer: before it hands a secret to the page, takes a screenshot, makes the app start at
//! login, or signs in at an address that is not Amazon Cognito's. A script that got into the
//! page can call the commands, but it cannot say yes for the user.
//!
//! Blocking: call it from a blocking-pool thread or a thread of its own, never from the main
//! thread (the dialog runs on it).

use tauri::AppHandle;
use tauri_plugin_dialog::{DialogExt as _, MessageDialogButtons, MessageDialogKind};

use crate::error::CommandError;

/// Asks `question` (also the dialog's title, which the end-to-end tests find it by), with
/// `detail` under it; `Ok` when the user chose `yes`, [`CommandError::Cancelled`] when they
/// chose Cancel or closed the dialog.
pub fn ask(app: &AppHandle, question: &str, detail: &str, yes: &str) -> Result<(), CommandError> {
    // No parent window: finding the window's native handle belongs on the main thread, and
    // the dialog is modal for the whole app anyway.
    let dialog = app
        .dialog()
        .message(detail)
        .title(question)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            yes.to_owned(),
            "Cancel".to_owned(),
        ));
    if dialog.blocking_show() {
        Ok(())
    } else {
        Err(CommandError::Cancelled)
    }
}

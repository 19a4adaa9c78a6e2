//! cogauth-core: everything CogAuth knows, with no GUI dependency.
//!
//! - [`otp`]: the [`Secret`] type and HOTP/TOTP/Steam code generation (time passed in);
//! - [`fields`]: account settings from loose fields (forms, flags, exports, URIs): the one
//!   set of defaults and validation;
//! - [`uri`]: `otpauth://` parse and format;
//! - [`vault`]: the account index plus the OS keychain, kept consistent;
//! - [`cognito`]: signing in to a user pool and enrolling TOTP MFA;
//! - [`qr`]: QR encoding of URIs;
//! - [`scan`]: reading QR codes out of images and raw pixels;
//! - [`capture`]: QR codes from the clipboard and the screen;
//! - [`transfer`]: importing other authenticators' exports (all or nothing), and exporting
//!   an otpauth list, a printable HTML page of QR codes or an encrypted Aegis-format backup;
//! - [`backup`]: when the last export was made, and what was added since;
//! - [`atomic_file`]: crash-safe owner-only file writes.
//!
//! The CLI (`cogauth`) and the desktop shell are adapters over this crate.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod atomic_file;
pub mod backup;
pub mod capture;
pub mod cognito;
pub mod fields;
pub mod otp;
pub mod qr;
pub mod scan;
pub mod transfer;
pub mod uri;
pub mod vault;

pub use fields::{Field, FieldError, TypedAccount};
pub use otp::{Algorithm, Code, OtpError, OtpKind, OtpParams, Secret};
pub use uri::{OtpAuthUri, UriError};
pub use vault::{
    Account, AccountId, AccountState, CurrentCode, KeychainError, KeyringStore, ListOrder,
    NewAccount, SecretStore, Vault, VaultConfig, VaultError,
};

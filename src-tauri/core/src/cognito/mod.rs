//! Amazon Cognito user pools: sign-in and TOTP enrolment.
//!
//! - [`config`]: the validated pool configuration and what an account remembers of it;
//! - [`client`]: the AWS SDK behind domain-shaped calls, with a typed [`CognitoError`];
//! - [`signin`]: SRP or password sign-in through the challenges;
//! - [`enroll`]: the enrolment sequence, its proof, resume and disable.
//!
//! Without the `cognito` cargo feature (the fuzz targets) only `config` and the error remain:
//! accounts still remember their pool, nothing signs in.

// Helpers the sign-in code uses are idle without it.
#![cfg_attr(not(feature = "cognito"), allow(dead_code))]

#[cfg(feature = "cognito")]
pub mod client;
pub mod config;
#[cfg(feature = "cognito")]
pub mod enroll;
mod error;
#[cfg(feature = "cognito")]
pub mod signin;

pub use config::{ClientSecret, CognitoBinding, NextSecret, PoolConfig};
#[cfg(feature = "cognito")]
pub use enroll::{
    DEFAULT_ISSUER, EnrollRequest, Progress, ResumeRequest, Step, device_name, disable_mfa, enroll,
    prove, reenroll, resume,
};
pub use error::CognitoError;
#[cfg(feature = "cognito")]
pub use signin::{AuthFlow, Prompt, Question};

//! Amazon Cognito user pools: sign-in and TOTP enrolment.
//!
//! - [`config`]: the validated pool configuration and what an account remembers of it;
//! - [`client`]: the AWS SDK behind domain-shaped calls, with a typed [`CognitoError`];
//! - [`signin`]: SRP or password sign-in through the challenges;
//! - [`enroll`]: the enrolment sequence, its proof, resume and disable.

pub mod client;
pub mod config;
pub mod enroll;
mod error;
pub mod signin;

pub use config::{ClientSecret, CognitoBinding, PoolConfig};
pub use enroll::{
    EnrollRequest, Progress, ResumeRequest, Step, disable_mfa, enroll, prove, resume,
};
pub use error::CognitoError;
pub use signin::{AuthFlow, Prompt};

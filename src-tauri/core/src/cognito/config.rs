//! The user pool an account signs in to, validated before any network call.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::CognitoError;
use crate::vault::AccountId;

/// An app client secret: zeroized on drop, never printed or serialized.
#[derive(Clone)]
pub struct ClientSecret(Zeroizing<String>);

impl ClientSecret {
    /// Wraps a client secret (whitespace around it is dropped).
    pub fn new(text: &str) -> Result<Self, CognitoError> {
        let text = text.trim();
        if text.is_empty() || text.len() > 256 || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid(
                "client_secret",
                "it must be 1 to 256 printable characters",
            ));
        }
        Ok(ClientSecret(Zeroizing::new(text.to_owned())))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

/// Where an account's user lives: what the index keeps for a Cognito account (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CognitoBinding {
    /// AWS region, e.g. `eu-west-1`.
    pub region: String,
    /// User pool id, `<region>_<id>`.
    pub user_pool_id: String,
    /// App client id.
    pub client_id: String,
    /// The user's sign-in name.
    pub username: String,
    /// Endpoint override (local emulator, VPC endpoint); absent for AWS itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Whether the app client has a secret (it is not stored: it is asked for again).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_client_secret: bool,
    /// Amazon's FIPS endpoint for the region (no endpoint override then).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fips: bool,
    /// Amazon's dual-stack (IPv6) endpoint for the region.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dual_stack: bool,
    /// The last TOTP time step whose code this app sent to Cognito: Cognito refuses a code
    /// twice, so the next sign-in uses a later step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_step: Option<u64>,
    /// A later time step whose code was sent and whose answer never came (the connection
    /// dropped): Cognito may have accepted it, so it counts as spent, but not as accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unanswered_step: Option<u64>,
    /// How many seconds this computer's clock was ahead of Cognito's (negative: behind) when
    /// a code was last sent, from the answer's `Date` header (whole seconds: ±1 is noise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_ahead: Option<i64>,
    /// Unix seconds when the enrolment finished (TOTP made the preferred MFA and the account
    /// active); absent for accounts enrolled before CogAuth recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolled_at: Option<u64>,
    /// Unix seconds of the last test sign-in that succeeded with a code of this account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proven_at: Option<u64>,
    /// A new secret being enrolled for this user (re-enrolment), until it replaces the
    /// account's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_secret: Option<NextSecret>,
}

/// A re-enrolment's new secret: kept in a keychain item of its own, beside the account's
/// secret, until Cognito verified it; then moved into the account's item. A crash at any point
/// leaves every secret the server may expect in the keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextSecret {
    /// The keychain item that holds it (an id no account has).
    pub item: AccountId,
    /// Whether Cognito accepted a code of it (VerifySoftwareToken): from then on it is the
    /// secret the server expects, even before it is moved.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
}

impl CognitoBinding {
    /// The last time step whose code was sent, answered or not: the next code must be later.
    pub fn spent_step(&self) -> Option<u64> {
        self.last_used_step.max(self.unanswered_step)
    }
}

/// A validated pool configuration.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    region: String,
    user_pool_id: String,
    client_id: String,
    client_secret: Option<ClientSecret>,
    endpoint: Option<String>,
    fips: bool,
    dual_stack: bool,
}

fn invalid(field: &'static str, reason: &'static str) -> CognitoError {
    CognitoError::InvalidConfig { field, reason }
}

fn is_region(text: &str) -> bool {
    // e.g. us-east-1, eu-central-2, us-gov-west-1, ap-southeast-4
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty())
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// The host of an endpoint URL (already checked by [`PoolConfig::new`]), lowercased, without
/// brackets or port.
fn endpoint_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// Whether `host` is Amazon Cognito's user-pool API in `region`: the standard, FIPS,
/// dual-stack and China endpoints.
fn is_cognito_host(host: &str, region: &str) -> bool {
    [
        format!("cognito-idp.{region}.amazonaws.com"),
        format!("cognito-idp-fips.{region}.amazonaws.com"),
        format!("cognito-idp.{region}.api.aws"),
        format!("cognito-idp-fips.{region}.api.aws"),
        format!("cognito-idp.{region}.amazonaws.com.cn"),
        format!("cognito-idp.{region}.api.amazonwebservices.com.cn"),
        format!("cognito-idp-fips.{region}.api.amazonwebservices.com.cn"),
    ]
    .contains(&host.to_owned())
}

/// Whether `host` is this machine.
fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn check_endpoint(url: &str) -> Result<(), CognitoError> {
    let not_a_url = || {
        invalid(
            "endpoint",
            "it must be an http:// or https:// URL with a host",
        )
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(not_a_url());
    }
    let (scheme, rest) = url.split_once("://").ok_or_else(not_a_url)?;
    // The authority ends at the first '/', '?' or '#'.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        // user@host would let "http://localhost@elsewhere" pass as localhost.
        return Err(invalid("endpoint", "it must not contain a user name ('@')"));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, port)) if port.is_empty() || port.starts_with(':') => host,
            _ => return Err(not_a_url()),
        },
        None => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() {
        return Err(not_a_url());
    }
    match scheme {
        "https" => Ok(()),
        // Plain HTTP would send the password's proof and the TOTP secret in clear: only to
        // this machine (the local emulator).
        "http" if matches!(host, "localhost" | "127.0.0.1" | "::1") => Ok(()),
        "http" => Err(invalid(
            "endpoint",
            "plain http:// is allowed only for localhost",
        )),
        _ => Err(invalid("endpoint", "it must be an http:// or https:// URL")),
    }
}

impl PoolConfig {
    /// Validates every field; nothing touches the network.
    pub fn new(
        region: &str,
        user_pool_id: &str,
        client_id: &str,
        client_secret: Option<ClientSecret>,
        endpoint: Option<&str>,
    ) -> Result<Self, CognitoError> {
        let region = region.trim();
        if !is_region(region) {
            return Err(invalid("region", "it must look like us-east-1"));
        }
        let user_pool_id = user_pool_id.trim();
        let Some((pool_region, pool_name)) = user_pool_id.split_once('_') else {
            return Err(invalid(
                "user_pool_id",
                "it must be <region>_<id>, e.g. us-east-1_AbC123",
            ));
        };
        if pool_region != region {
            return Err(invalid(
                "user_pool_id",
                "its region prefix differs from the region",
            ));
        }
        if pool_name.is_empty()
            || pool_name.len() > 55
            || !pool_name.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(invalid(
                "user_pool_id",
                "the part after '_' must be letters and digits",
            ));
        }
        let client_id = client_id.trim();
        if client_id.is_empty()
            || client_id.len() > 128
            || !client_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'_')
        {
            return Err(invalid(
                "client_id",
                "it must be 1 to 128 letters, digits, '+' or '_'",
            ));
        }
        let endpoint = endpoint.map(str::trim).filter(|e| !e.is_empty());
        if let Some(url) = endpoint {
            check_endpoint(url)?;
        }
        Ok(PoolConfig {
            region: region.to_owned(),
            user_pool_id: user_pool_id.to_owned(),
            client_id: client_id.to_owned(),
            client_secret,
            endpoint: endpoint.map(|e| e.trim_end_matches('/').to_owned()),
            fips: false,
            dual_stack: false,
        })
    }

    /// The pool of an existing account, with its client secret (asked of the user) if any.
    pub fn from_binding(
        binding: &CognitoBinding,
        client_secret: Option<ClientSecret>,
    ) -> Result<Self, CognitoError> {
        PoolConfig::new(
            &binding.region,
            &binding.user_pool_id,
            &binding.client_id,
            client_secret,
            binding.endpoint.as_deref(),
        )?
        .with_endpoint_variants(binding.fips, binding.dual_stack)
    }

    /// Amazon's FIPS and/or dual-stack endpoint for the region instead of the standard one
    /// (networks that require them). They pick among Amazon's endpoints, so they do not
    /// combine with an endpoint URL.
    pub fn with_endpoint_variants(
        mut self,
        fips: bool,
        dual_stack: bool,
    ) -> Result<Self, CognitoError> {
        if (fips || dual_stack) && self.endpoint.is_some() {
            return Err(invalid(
                "endpoint",
                "the FIPS and dual-stack options choose Amazon's endpoint; they do not combine with an endpoint URL",
            ));
        }
        self.fips = fips;
        self.dual_stack = dual_stack;
        Ok(self)
    }

    /// Whether Amazon's FIPS endpoint is used.
    pub fn fips(&self) -> bool {
        self.fips
    }

    /// Whether Amazon's dual-stack endpoint is used.
    pub fn dual_stack(&self) -> bool {
        self.dual_stack
    }

    /// The binding an account of `username` in this pool keeps.
    pub fn binding(&self, username: &str) -> CognitoBinding {
        CognitoBinding {
            region: self.region.clone(),
            user_pool_id: self.user_pool_id.clone(),
            client_id: self.client_id.clone(),
            username: username.to_owned(),
            endpoint: self.endpoint.clone(),
            has_client_secret: self.client_secret.is_some(),
            fips: self.fips,
            dual_stack: self.dual_stack,
            last_used_step: None,
            unanswered_step: None,
            clock_ahead: None,
            enrolled_at: None,
            proven_at: None,
            next_secret: None,
        }
    }

    /// AWS region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// User pool id.
    pub fn user_pool_id(&self) -> &str {
        &self.user_pool_id
    }

    /// App client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// App client secret.
    pub fn client_secret(&self) -> Option<&ClientSecret> {
        self.client_secret.as_ref()
    }

    /// Endpoint override.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// The endpoint's host when it is neither Amazon Cognito's API for the pool's region
    /// (standard, FIPS, dual-stack, China) nor this machine: the user must confirm that the
    /// password's proof and the TOTP secret may go there (a phishing link could pre-fill
    /// one). `None` without an endpoint override.
    pub fn unfamiliar_endpoint_host(&self) -> Option<String> {
        let host = endpoint_host(self.endpoint.as_deref()?);
        (!is_cognito_host(&host, &self.region) && !is_loopback_host(&host)).then_some(host)
    }
}

/// Checks a username before it is sent anywhere.
pub fn check_username(username: &str) -> Result<&str, CognitoError> {
    let username = username.trim();
    if username.is_empty()
        || username.chars().count() > 128
        || username.chars().any(char::is_control)
    {
        return Err(invalid("username", "it must be 1 to 128 characters"));
    }
    Ok(username)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrolment_and_proof_times_are_optional_in_the_index() {
        // An index written before the times were recorded still reads.
        let old =
            r#"{"region":"eu-west-1","user_pool_id":"eu-west-1_x","client_id":"c","username":"u"}"#;
        let binding: CognitoBinding = serde_json::from_str(old).expect("reads");
        assert_eq!((binding.enrolled_at, binding.proven_at), (None, None));
        // Absent times are not written; recorded ones round-trip.
        let written = serde_json::to_string(&binding).expect("writes");
        assert!(!written.contains("enrolled_at") && !written.contains("proven_at"));
        let timed = CognitoBinding {
            enrolled_at: Some(1_700_000_000),
            proven_at: Some(1_700_000_100),
            ..binding
        };
        let again: CognitoBinding =
            serde_json::from_str(&serde_json::to_string(&timed).expect("writes")).expect("reads");
        assert_eq!(again, timed);
    }

    #[test]
    fn accepts_real_shapes() {
        let pool = PoolConfig::new(
            "eu-west-1",
            "eu-west-1_AbC123xyz",
            "1example23456789abcdef",
            None,
            None,
        )
        .expect("valid");
        assert_eq!(pool.user_pool_id(), "eu-west-1_AbC123xyz");
        assert!(
            PoolConfig::new(
                "us-east-1",
                "us-east-1_x",
                "c",
                None,
                Some("http://127.0.0.1:5000/")
            )
            .is_ok()
        );
        assert!(
            PoolConfig::new(
                "us-gov-west-1",
                "us-gov-west-1_x",
                "c",
                None,
                Some("https://cognito.example")
            )
            .is_ok()
        );
    }

    #[test]
    fn fail_malformed_values_name_the_field() {
        let cases: &[(&str, &str, &str, Option<&str>, &str)] = &[
            ("US-EAST-1", "US-EAST-1_x", "c", None, "region"),
            ("us-east-1", "us-east-1", "c", None, "user_pool_id"),
            ("us-east-1", "eu-west-1_x", "c", None, "user_pool_id"),
            ("us-east-1", "us-east-1_x!", "c", None, "user_pool_id"),
            ("us-east-1", "us-east-1_x", "", None, "client_id"),
            ("us-east-1", "us-east-1_x", "c id", None, "client_id"),
            ("us-east-1", "us-east-1_x", "c", Some("ftp://x"), "endpoint"),
            (
                "us-east-1",
                "us-east-1_x",
                "c",
                Some("http://cognito.example.com"),
                "endpoint",
            ),
        ];
        for (region, pool, client, endpoint, field) in cases {
            let error = PoolConfig::new(region, pool, client, None, *endpoint).expect_err(field);
            assert!(
                matches!(error, CognitoError::InvalidConfig { field: f, .. } if f == *field),
                "{error}"
            );
        }
        assert!(ClientSecret::new(" ").is_err());
        assert!(check_username("").is_err());
    }

    #[test]
    fn client_secret_is_redacted() {
        let secret = ClientSecret::new("s3cr3t-value").expect("valid");
        assert_eq!(format!("{secret:?}"), "ClientSecret(<redacted>)");
    }

    #[test]
    fn fail_an_endpoint_that_is_not_amazons_or_this_machines_must_be_confirmed() {
        let with = |endpoint: &str| {
            PoolConfig::new("eu-west-1", "eu-west-1_Abc", "client", None, Some(endpoint))
                .expect("valid")
                .unfamiliar_endpoint_host()
        };
        for familiar in [
            "https://cognito-idp.eu-west-1.amazonaws.com",
            "https://COGNITO-IDP.eu-west-1.amazonaws.com/",
            "https://cognito-idp-fips.eu-west-1.amazonaws.com",
            "https://cognito-idp.eu-west-1.api.aws",
            "https://cognito-idp.eu-west-1.amazonaws.com.cn",
            "http://127.0.0.1:5000",
            "http://localhost:5000",
            "http://[::1]:5000",
            "https://127.0.0.2",
        ] {
            assert_eq!(with(familiar), None, "{familiar}");
        }
        for (unfamiliar, host) in [
            (
                "https://cognito-idp.eu-west-1.amazonaws.com.evil.example",
                "cognito-idp.eu-west-1.amazonaws.com.evil.example",
            ),
            (
                "https://cognito-idp.us-east-1.amazonaws.com",
                "cognito-idp.us-east-1.amazonaws.com",
            ),
            (
                "https://vpce-1.cognito-idp.eu-west-1.vpce.amazonaws.com",
                "vpce-1.cognito-idp.eu-west-1.vpce.amazonaws.com",
            ),
            ("https://login.example.com:8443/x", "login.example.com"),
        ] {
            assert_eq!(with(unfamiliar).as_deref(), Some(host), "{unfamiliar}");
        }
        let none = PoolConfig::new("eu-west-1", "eu-west-1_Abc", "client", None, None).expect("ok");
        assert_eq!(none.unfamiliar_endpoint_host(), None);
    }
}

//! Secrets: password policy and hashing (argon2id), and API token generation and digests.
//! Nothing here stores or logs a secret; callers keep only the hash or the digest.

use crate::error::FieldError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, in characters (argon2 cost stays bounded).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Every API token starts with this, so leaked tokens are easy to recognise.
pub const TOKEN_PREFIX: &str = "snk_";

/// Checks a new password: length, and not a common password or an easily guessed
/// pattern (zxcvbn's lists of common passwords, names and words, and the user's own
/// email and name). No composition rules.
pub fn check_password(password: &str, user_inputs: &[&str]) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(FieldError::new(
            "",
            "too_short",
            format!("must be at least {MIN_PASSWORD_CHARS} characters (got {chars})"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(FieldError::new(
            "",
            "too_long",
            format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    if u8::from(estimate.score()) < 3 {
        return Err(FieldError::new(
            "",
            "too_common",
            "is a common password or too easy to guess; a few unrelated words make a good one",
        ));
    }
    Ok(())
}

/// Hashes a password with argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0_u8; 16];
    fill_random(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt length");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any password")
        .to_string()
}

/// True when `password` matches the stored PHC string.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash to verify against when the user does not exist, so an unknown email costs the
/// same time as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing"))
}

/// A generated password for `sarnakh user add` and the demo: 20 random base64url chars.
pub fn generate_password() -> String {
    let mut bytes = [0_u8; 15];
    fill_random(&mut bytes);
    encode_url_safe(&bytes)
}

/// A new public form key (128 random bits, URL-safe): it names a form in its public
/// address and is not a secret.
pub fn generate_form_key() -> String {
    let mut bytes = [0_u8; 16];
    fill_random(&mut bytes);
    encode_url_safe(&bytes)
}

/// A new API token secret (`snk_` + 256 random bits) and its digest for storage.
pub fn generate_token() -> (String, Vec<u8>) {
    generate_secret(TOKEN_PREFIX)
}

/// A new session secret (256 random bits) and its digest for storage.
pub fn generate_session() -> (String, Vec<u8>) {
    generate_secret("")
}

fn generate_secret(prefix: &str) -> (String, Vec<u8>) {
    let mut bytes = [0_u8; 32];
    fill_random(&mut bytes);
    let secret = format!("{prefix}{}", encode_url_safe(&bytes));
    let digest = token_digest(&secret);
    (secret, digest)
}

/// The digest stored for a token or session secret (SHA-256; the secrets are random, so a
/// fast hash is enough).
pub fn token_digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system provides random bytes");
}

/// Unpadded base64url, enough for secrets (no crate for ten lines).
fn encode_url_safe(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 2);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0_u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("short", "too_short")]
    #[case("password1234", "too_common")]
    #[case("qwertyuiopasdf", "too_common")]
    #[case("sara.ahmadi@example.ir", "too_common")]
    fn weak_passwords_are_refused(#[case] password: &str, #[case] code: &str) {
        assert_eq!(
            check_password(password, &["sara.ahmadi@example.ir", "Sara Ahmadi"])
                .map_err(|e| e.code),
            Err(code)
        );
    }

    #[test]
    fn a_passphrase_is_accepted_without_composition_rules() {
        assert_eq!(check_password("violet tractor kettle harbour", &[]), Ok(()));
        assert_eq!(check_password(&generate_password(), &[]), Ok(()));
    }

    #[test]
    fn hashes_verify_only_the_right_password() {
        let hash = hash_password("violet tractor kettle harbour");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("violet tractor kettle harbour", &hash));
        assert!(!verify_password("violet tractor kettle harbor", &hash));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn tokens_are_random_prefixed_and_digested() {
        let (a, digest) = generate_token();
        let (b, _) = generate_token();
        assert_ne!(a, b);
        assert!(
            a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 43,
            "{a}"
        );
        assert_eq!(token_digest(&a), digest);
        assert_eq!(encode_url_safe(b"\xff\xee\xdd"), "_-7d");
    }
}

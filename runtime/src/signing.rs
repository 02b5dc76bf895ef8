//! Request signatures some vendors require the client to compute (EnOS: lowercase hex SHA-256
//! over `appKey + timestamp + appSecret`). The generator emits the rule; this is the hash.

use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256 over the UTF-8 bytes of `parts`, concatenated with no separator.
pub fn sha256_hex(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::sha256_hex;

    #[test]
    fn matches_the_enos_test_vector() {
        // shared/FACTS.md: appKey, timestamp and appSecret of EnOS's own example.
        let signature = sha256_hex(&["5acb82e7-a11e-4300-9164-c8b20b638e8b", "1572574909697", "yourAppSecret"]);
        assert_eq!(signature, "e92092449e6009e4fff1faa9e3988d1ce59f268035e76d101213054013221f6e");
    }

    #[test]
    fn concatenates_without_separator() {
        assert_eq!(sha256_hex(&["ab", "c"]), sha256_hex(&["abc"]));
        assert_eq!(sha256_hex(&[]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}

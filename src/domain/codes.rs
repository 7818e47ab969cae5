//! Codes people read aloud and write down: tip references and receipt codes, in
//! Crockford's base 32 (no I, L, O or U, so nothing is mistaken for 1, 0 or a word).

use rand::RngCore;
use rand::rngs::OsRng;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn encode(bytes: &[u8], chars: usize) -> String {
    let mut out = String::with_capacity(chars);
    let (mut buffer, mut bits) = (0u32, 0);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 && out.len() < chars {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 && out.len() < chars {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn group(code: &str, size: usize) -> String {
    code.as_bytes().chunks(size).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// A new tip reference, `TB-` and 8 characters (40 random bits), e.g. `TB-7K3M-Q9XA`.
/// Not a secret: it names the tip; the receipt code proves who may follow it.
pub fn new_reference() -> String {
    let mut bytes = [0u8; 5];
    OsRng.fill_bytes(&mut bytes);
    format!("TB-{}", group(&encode(&bytes, 8), 4))
}

/// The reference numbered `n` (its low 40 bits), for sample data that must not collide.
pub fn numbered_reference(n: u64) -> String {
    let bytes = n.to_be_bytes();
    format!("TB-{}", group(&encode(&bytes[3..], 8), 4))
}

/// A new receipt code: 130 random bits as 26 characters in groups of five, e.g.
/// `7K3MQ-9XAB2-...`. Shown once; only its digest is stored.
pub fn new_receipt_code() -> String {
    let mut bytes = [0u8; 17];
    OsRng.fill_bytes(&mut bytes);
    group(&encode(&bytes, 26), 5)
}

/// Reads a code as typed: any case, with or without dashes and spaces, and the letters
/// people confuse with digits (O for 0, I and L for 1) taken as those digits.
pub fn normalize(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '.' | '_'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// Whether `text` has the form of a reference.
pub fn is_reference(text: &str) -> bool {
    let n = normalize(text);
    n.len() == 10 && n.starts_with("TB") && n[2..].bytes().all(|b| ALPHABET.contains(&b))
}

/// The stored form of a reference: `TB-XXXX-XXXX`, whatever the typing.
pub fn canonical_reference(text: &str) -> String {
    let n = normalize(text);
    format!("TB-{}", group(&n[2.min(n.len())..], 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_short_and_unambiguous() {
        let r = new_reference();
        assert_eq!(r.len(), 12, "{r}");
        assert!(r.starts_with("TB-") && r.as_bytes()[7] == b'-');
        assert!(is_reference(&r));
        assert!(!r[3..].contains(['I', 'L', 'O', 'U']));
        assert_eq!(canonical_reference(&r.to_lowercase().replace('-', " ")), r);
        assert!(!is_reference("TB-1234"));
    }

    #[test]
    fn receipt_codes_carry_at_least_128_bits_and_survive_sloppy_typing() {
        let code = new_receipt_code();
        assert_eq!(normalize(&code).len(), 26, "26 x 5 = 130 bits");
        assert_eq!(code.matches('-').count(), 5);
        assert_ne!(new_receipt_code(), code);
        assert_eq!(normalize("abcde-fghij o-il"), "ABCDEFGH1J011");
        assert_eq!(encode(&[0xFF, 0xFF], 4), "ZZZG", "the last bit, padded: 10000");
    }
}

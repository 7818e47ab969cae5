//! The enrolment QR code, drawn on the server as SVG: no script, no image from elsewhere,
//! and the secret never leaves the page it is shown on.

use qrcode::QrCode;
use qrcode::render::svg;

/// `text` as an SVG QR code with a quiet zone, about `size` pixels wide, named `label`
/// for screen readers (an image without a name fails WCAG 1.1.1); `None` when the text
/// is too long for a QR code.
pub fn svg(text: &str, size: u32, label: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(size, size)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    // The renderer begins with an XML declaration, which has no place inside HTML.
    let label = attribute(label);
    Some(
        image
            .split_once("<svg")
            .map_or(image.clone(), |(_, rest)| format!("<svg role=\"img\" aria-label=\"{label}\"{rest}")),
    )
}

/// `text` made safe inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A base32 secret as people copy it: upper case, in groups of four.
pub fn grouped(secret: &str) -> String {
    let clean: Vec<char> =
        secret.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    clean.chunks(4).map(|g| g.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_shown_in_groups_of_four_capitals() {
        assert_eq!(grouped("jbswy3dpehpk3pxp"), "JBSW Y3DP EHPK 3PXP");
        assert_eq!(grouped("ABCDEF"), "ABCD EF");
    }

    #[test]
    fn the_qr_code_is_an_svg_without_an_xml_declaration() {
        let image =
            svg("otpauth://totp/tinbao:kl.officer?secret=JBSWY3DPEHPK3PXP&issuer=tinbao", 200, "Mã \"QR\"").unwrap();
        assert!(image.starts_with("<svg role=\"img\" aria-label=\"Mã &quot;QR&quot;\""), "{}", &image[..60]);
        assert!(image.contains("<path") || image.contains("<rect"));
        assert!(!image.contains("<?xml"));
    }
}

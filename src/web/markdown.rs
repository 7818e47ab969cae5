//! The operator's Markdown as HTML that cannot carry a script: raw HTML is shown as
//! text, links go only to web pages, phone numbers, e-mail or this site, and images
//! (which would come from elsewhere) are shown as their description.

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd, html};

/// Markdown to safe HTML.
pub fn to_html(markdown: &str) -> String {
    let mut in_image = false;
    let events = Parser::new(markdown).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Image { .. }) => {
            in_image = true;
            None
        }
        Event::End(TagEnd::Image) => {
            in_image = false;
            None
        }
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            // An e-mail autolink's destination is the bare address (the renderer adds
            // `mailto:`); `//host` and `/\host` both leave the site.
            let safe = link_type == LinkType::Email
                || (["https://", "http://", "tel:", "mailto:", "/", "#"].iter().any(|p| dest_url.starts_with(p))
                    && !dest_url.starts_with("//")
                    && !dest_url.starts_with("/\\"));
            let dest_url = if safe { dest_url } else { CowStr::Borrowed("#") };
            Some(Event::Start(Tag::Link { link_type, dest_url, title, id }))
        }
        other if in_image => match other {
            Event::Text(text) => Some(Event::Text(text)),
            _ => None,
        },
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_scripts_and_outside_images_never_pass() {
        let html = to_html(
            "# Về nước\n\n<script>alert(1)</script>\n\nGọi <b>113</b> [gọi](tel:113) [x](javascript:alert(1)) ![ảnh](https://cdn.example/a.png) <ho.tro@kiengiang.gov.vn> [y](/\\evil.example)",
        );
        assert!(html.contains("<h1>Về nước</h1>"), "{html}");
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;b&gt;113"), "{html}");
        assert!(html.contains("href=\"tel:113\""), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img") && html.contains("ảnh"), "{html}");
        assert!(html.contains("href=\"mailto:ho.tro@kiengiang.gov.vn\""), "{html}");
        assert!(!html.contains("evil.example\""), "{html}");
    }
}

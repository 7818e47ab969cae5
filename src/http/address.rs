//! The client's address, for abuse limits and sign-in throttling. `X-Forwarded-For` is
//! believed only when the peer is a configured trusted proxy; otherwise anyone could
//! claim any address and escape every limit.
//!
//! Behind trusted proxies the client is the right-most entry that is not one of them:
//! each proxy appends the address it saw, so everything to the left of that entry was
//! written by the client and proves nothing. An entry may be `ip`, `ip:port`,
//! `[ipv6]:port`, or an IPv4-mapped IPv6 address (read as the IPv4 address). When the
//! header is missing, malformed where it matters, or names only proxies, the address is
//! unknown (`None`): never the proxy's own address, which every client behind it shares.

use std::net::{IpAddr, SocketAddr};

use actix_web::HttpRequest;

/// The address of the client behind the trusted proxies, or the peer's; `None` when a
/// trusted proxy did not say who its client was.
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = canonical(req.peer_addr()?.ip());
    if !trusted.iter().any(|t| canonical(*t) == peer) {
        return Some(peer);
    }
    let values: Vec<&str> = req.headers().get_all("x-forwarded-for").map(|v| v.to_str().unwrap_or("\u{0}")).collect();
    behind_proxies(&values, trusted)
}

/// The right-most entry of the `X-Forwarded-For` values that is not a trusted proxy.
fn behind_proxies(values: &[&str], trusted: &[IpAddr]) -> Option<IpAddr> {
    let entries = values.iter().flat_map(|v| v.split(',')).collect::<Vec<_>>();
    for entry in entries.into_iter().rev() {
        // A malformed entry before any client address: the chain cannot be read.
        let address = parse_entry(entry.trim())?;
        if !trusted.iter().any(|t| canonical(*t) == address) {
            return Some(address);
        }
    }
    None
}

/// One entry: `ip`, `ip:port` or `[ipv6]:port`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let address = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| entry.strip_prefix('[')?.strip_suffix(']')?.parse().ok())?;
    Some(canonical(address))
}

/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, as a dual-stack socket reports an
/// IPv4 client) as the IPv4 address it maps, so that one client has one address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let proxy = ip("10.0.0.5");
        let req = TestRequest::default()
            .peer_addr("10.0.0.5:4000".parse().expect("addr"))
            .insert_header(("X-Forwarded-For", "198.51.100.7, 203.0.113.9, 10.0.0.5"))
            .to_http_request();
        assert_eq!(client_address(&req, &[proxy]), Some(ip("203.0.113.9")), "the spoofable left part is ignored");
        assert_eq!(client_address(&req, &[]), Some(proxy), "an untrusted peer's header is ignored");
        let direct = TestRequest::default()
            .peer_addr("203.0.113.50:4000".parse().expect("addr"))
            .insert_header(("X-Forwarded-For", "1.2.3.4"))
            .to_http_request();
        assert_eq!(client_address(&direct, &[proxy]), Some(ip("203.0.113.50")));
    }

    #[test]
    fn entries_with_ports_and_mapped_addresses_are_read() {
        let proxies = [ip("10.0.0.5"), ip("10.0.0.6")];
        assert_eq!(behind_proxies(&["203.0.113.9:51234, 10.0.0.6"], &proxies), Some(ip("203.0.113.9")));
        assert_eq!(behind_proxies(&["[2001:db8::7]:443"], &proxies), Some(ip("2001:db8::7")));
        assert_eq!(behind_proxies(&["2001:db8::7"], &proxies), Some(ip("2001:db8::7")));
        assert_eq!(behind_proxies(&["::ffff:198.51.100.7"], &proxies), Some(ip("198.51.100.7")));
        assert_eq!(behind_proxies(&["::ffff:10.0.0.6, ::ffff:198.51.100.7"], &proxies), Some(ip("198.51.100.7")));
        // Several header lines read as one list, in order.
        assert_eq!(behind_proxies(&["198.51.100.1", "198.51.100.2, 10.0.0.5"], &proxies), Some(ip("198.51.100.2")));
        // What the client wrote on the left does not matter once a real address is found.
        assert_eq!(behind_proxies(&["not an address, 198.51.100.7"], &proxies), Some(ip("198.51.100.7")));
    }

    #[test]
    fn a_chain_that_cannot_be_read_is_an_unknown_address_not_the_proxys() {
        let proxies = [ip("10.0.0.5")];
        for values in [&[][..], &["garbage"], &["198.51.100.7, garbage"], &[""], &["10.0.0.5"], &["\u{0}"]] {
            assert_eq!(behind_proxies(values, &proxies), None, "{values:?}");
        }
        let req = TestRequest::default().peer_addr("[::ffff:10.0.0.5]:4000".parse().expect("addr")).to_http_request();
        assert_eq!(client_address(&req, &proxies), None, "a mapped proxy address is the proxy; it sent no header");
    }
}

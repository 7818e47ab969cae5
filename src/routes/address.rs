//! The client's address, for abuse limits and sign-in throttling. `X-Forwarded-For` is
//! believed only when the peer is a configured trusted proxy; otherwise anyone could
//! claim any address and escape every limit.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// The address of the client behind the trusted proxies, or the peer's.
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    // The last address that is not one of our proxies is the one our proxies saw.
    Some(forwarded.iter().rev().copied().find(|a| !trusted.contains(a)).unwrap_or(peer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.5".parse().expect("ip");
        let req = TestRequest::default()
            .peer_addr("10.0.0.5:4000".parse().expect("addr"))
            .insert_header(("X-Forwarded-For", "198.51.100.7, 203.0.113.9, 10.0.0.5"))
            .to_http_request();
        assert_eq!(client_address(&req, &[proxy]), "203.0.113.9".parse().ok(), "the spoofable left part is ignored");
        assert_eq!(client_address(&req, &[]), Some(proxy), "an untrusted peer's header is ignored");
        let direct = TestRequest::default()
            .peer_addr("203.0.113.50:4000".parse().expect("addr"))
            .insert_header(("X-Forwarded-For", "1.2.3.4"))
            .to_http_request();
        assert_eq!(client_address(&direct, &[proxy]), "203.0.113.50".parse().ok());
    }
}

//! Prometheus metrics: request counts and latencies by route pattern and status.
//! Labels are route patterns, never raw paths, so the number of series stays bounded.

use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};

/// The process's metrics. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("tinbao".into()), None).unwrap_or_default();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered, by method, route and status"),
            &["method", "route", "status"],
        )
        .ok();
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer HTTP requests, by method, route and status",
            )
            .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["method", "route", "status"],
        )
        .ok();
        // Both definitions are constant and valid; registration fails only on a duplicate name.
        let (Some(requests), Some(latency)) = (requests, latency) else {
            unreachable!("metric definitions are constant and valid")
        };
        let _ = registry.register(Box::new(requests.clone()));
        let _ = registry.register(Box::new(latency.clone()));
        Metrics { registry, requests, latency }
    }

    /// Records one answered request. The method is one of [`method_label`]'s, the route
    /// a pattern of the route table (or `unmatched`): every label comes from a closed set,
    /// so no caller can add series by inventing methods or paths.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [method_label(method), route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    /// Everything, in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if TextEncoder::new().encode(&self.registry.gather(), &mut out).is_err() {
            return String::new();
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// The label of a request method: a standard method by its name, anything else (actix
/// accepts any token as a method) as `other`.
pub fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("other")
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_and_status() {
        let metrics = Metrics::new();
        metrics.observe("GET", "/api/v1/admin-units", 200, 0.003);
        metrics.observe("GET", "/api/v1/admin-units", 200, 0.004);
        let text = metrics.render();
        assert!(
            text.contains(r#"tinbao_http_requests_total{method="GET",route="/api/v1/admin-units",status="200"} 2"#),
            "{text}"
        );
        assert!(text.contains("tinbao_http_request_duration_seconds_bucket"), "{text}");
    }

    #[test]
    fn made_up_methods_share_one_label() {
        let metrics = Metrics::new();
        for n in 0..1_000 {
            metrics.observe(&format!("BREW{n}"), "unmatched", 405, 0.001);
        }
        metrics.observe("PATCH", "unmatched", 405, 0.001);
        let text = metrics.render();
        assert!(
            text.contains(r#"tinbao_http_requests_total{method="other",route="unmatched",status="405"} 1000"#),
            "{text}"
        );
        assert!(text.contains(r#"method="PATCH""#) && !text.contains("BREW"), "{text}");
    }
}

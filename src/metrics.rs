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

    /// Records one answered request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
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
}

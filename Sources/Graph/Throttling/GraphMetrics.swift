import Metrics

/// `holdfast_graph_responses_total{class, status}`: every response Graph sent (a `$batch`
/// envelope and each part inside it), by the tenant's size class (S, M, L: what its throttling
/// limits depend on) and status (2xx, 429, 4xx, 5xx, other). Labels stay bounded: no tenant ids.
enum GraphMetrics {
    static func response(status: Int, sizeClass: ResourceUnitPacer.SizeClass) {
        Counter(label: "holdfast_graph_responses_total", dimensions: [("class", sizeClass.rawValue), ("status", statusLabel(status))])
            .increment()
    }

    static func statusLabel(_ status: Int) -> String {
        switch status {
        case 429: "429"
        case 200..<300: "2xx"
        case 400..<500: "4xx"
        case 500..<600: "5xx"
        default: "other"
        }
    }
}

import Glibc

/// Maps a request to its response: `GET /metrics`, `GET /status`, `POST /ocsp/refresh` (HEAD is
/// served wherever GET is); anything else is 404 or 405 with `Allow`.
struct AdminRouter {
    let source: AdminDataSource

    private struct Route {
        let path: String
        let methods: [String]
    }

    private static let routes = [
        Route(path: "/metrics", methods: ["GET", "HEAD"]),
        Route(path: "/status", methods: ["GET", "HEAD"]),
        Route(path: "/ocsp/refresh", methods: ["POST"]),
    ]

    func respond(to request: AdminRequestHead, now: Int64 = Int64(time(nil))) -> AdminResponse {
        guard let route = Self.routes.first(where: { $0.path == request.path }) else {
            let endpoints = Self.routes.map { "\($0.methods[0]) \($0.path)" }.joined(separator: ", ")
            return .text(404, "not found: \(request.path); endpoints: \(endpoints)")
        }
        guard route.methods.contains(request.method) else {
            let allowed = route.methods.joined(separator: ", ")
            return .text(
                405, "method \(request.method) not allowed for \(route.path); use \(allowed)",
                headers: [("Allow", allowed)])
        }
        var response: AdminResponse
        switch route.path {
        case "/metrics": response = metrics(now: now)
        case "/status": response = status(now: now)
        default: response = refresh()
        }
        response.omitsBody = request.method == "HEAD"
        return response
    }

    private func metrics(now: Int64) -> AdminResponse {
        guard let statuses = source.stapleStatuses() else { return Self.engineUnavailable }
        let exposition = MetricsExposition(
            totals: CounterTotals(summing: source.workerCounters()), statuses: statuses, version: source.version,
            startedAt: source.startedAt, now: now)
        return AdminResponse(status: 200, contentType: MetricsExposition.contentType, body: exposition.text)
    }

    private func status(now: Int64) -> AdminResponse {
        guard let statuses = source.stapleStatuses() else { return Self.engineUnavailable }
        let document = StatusDocument(
            totals: CounterTotals(summing: source.workerCounters()), statuses: statuses, version: source.version,
            startedAt: source.startedAt, now: now)
        return AdminResponse(status: 200, contentType: StatusDocument.contentType, body: document.text)
    }

    private func refresh() -> AdminResponse {
        source.requestRefresh()
        return .json(
            202,
            .object([
                ("refresh", .string("requested")),
                ("detail", .string("every fetched certificate is being fetched now; GET /status shows the results")),
            ]))
    }

    /// The engine did not answer within the source's bounded wait: fail the request (and the
    /// scrape) instead of reporting a certificate list that is not the truth.
    private static let engineUnavailable = AdminResponse.text(
        503, "the stapling engine did not answer in time; retry", headers: [("Retry-After", "1")])
}

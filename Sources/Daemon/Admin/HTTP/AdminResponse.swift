/// One HTTP response of the admin endpoint. Every response closes the connection.
struct AdminResponse: Error, Equatable {
    var status: Int
    var contentType: String
    var body: String
    var extraHeaders: [(String, String)] = []
    /// HEAD: the headers of the GET response, without its body.
    var omitsBody = false

    static func == (a: AdminResponse, b: AdminResponse) -> Bool {
        a.status == b.status && a.contentType == b.contentType && a.body == b.body && a.omitsBody == b.omitsBody
            && a.extraHeaders.elementsEqual(b.extraHeaders) { $0 == $1 }
    }

    static func text(_ status: Int, _ message: String, headers: [(String, String)] = []) -> AdminResponse {
        AdminResponse(
            status: status, contentType: "text/plain; charset=utf-8", body: message + "\n", extraHeaders: headers)
    }

    static func json(_ status: Int, _ value: JSONValue) -> AdminResponse {
        AdminResponse(status: status, contentType: StatusDocument.contentType, body: value.serialized + "\n")
    }

    static func badRequest(_ reason: String) -> AdminResponse { text(400, "bad request: \(reason)") }

    /// The status line, headers and (unless HEAD) body, as sent.
    var bytes: [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.utf8.count)\r\n"
        head += "Cache-Control: no-store\r\n"
        for (name, value) in extraHeaders { head += "\(name): \(value)\r\n" }
        head += "Connection: close\r\n\r\n"
        var out = Array(head.utf8)
        if !omitsBody { out += body.utf8 }
        return out
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 202: "Accepted"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}

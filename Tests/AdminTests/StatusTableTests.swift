import Testing

@testable import Daemon

@Suite("stapled status table")
struct StatusTableTests {
    static let document = """
        {"version":"0.1.0","started_at":"2026-01-01T00:00:00Z","now":"2026-01-01T01:00:00Z",
         "certificates":[
          {"subject":"CN=www.example.com","serial":"01AB","chain":"/etc/stapled/www.pem","names":["www.example.com"],
           "key":"EC 256","not_after":"2026-04-01T00:00:00Z","must_staple":true,"stapling":"fetched",
           "urls":["http://ocsp.example.com/"],
           "staple":{"state":"valid","cert_status":"good","this_update":"2025-12-31T23:50:00Z",
                     "valid_until":"2026-01-08T00:00:00Z","next_refresh":"2026-01-04T00:00:00Z"},
           "last_result":"ok","consecutive_failures":0,"fetch_counts":{"ok":3}},
          {"subject":"CN=le.example.org","serial":"03EF","chain":"/etc/stapled/le.pem","names":["le.example.org"],
           "key":"RSA 2048","not_after":"2026-03-01T00:00:00Z","must_staple":false,"stapling":"not applicable",
           "urls":[],
           "staple":{"state":"none","cert_status":null,"this_update":null,"valid_until":null,"next_refresh":null},
           "last_result":null,"consecutive_failures":0,"fetch_counts":{}},
          {"subject":"CN=api.example.com\\nX","serial":"02CD","chain":"/etc/stapled/api.pem","names":[],
           "key":"EC 384","not_after":"2026-05-01T00:00:00Z","must_staple":false,"stapling":"fetched",
           "urls":["http://ocsp.example.com/"],
           "staple":{"state":"expired","cert_status":"good","this_update":"2025-12-20T00:00:00Z",
                     "valid_until":"2025-12-31T00:00:00Z","next_refresh":"2026-01-01T01:01:00Z"},
           "last_result":"transport: connection refused","consecutive_failures":5,"fetch_counts":{"transport":5}}
         ],
         "connections":{"active":3,"total":120},
         "handshakes":{"stapled":100,"requested_not_stapled":2,"not_requested":17,"failed":1}}
        """

    @Test("one aligned row per certificate under a summary line; absent values are -")
    func renders() throws {
        let table = try StatusTable(document: try JSONValue(parsing: Self.document))
        let expected = """
            stapled 0.1.0, started 2026-01-01T00:00:00Z; connections: 3 active, 120 total; handshakes: 100 stapled, \
            2 requested but not stapled, 17 not requested, 1 failed

            SUBJECT               KEY       MUST-STAPLE  STAPLING        STAPLE   CERT STATUS  VALID UNTIL           \
            NEXT REFRESH          LAST RESULT
            CN=www.example.com    EC 256    yes          fetched         valid    good         2026-01-08T00:00:00Z  \
            2026-01-04T00:00:00Z  ok
            CN=le.example.org     RSA 2048  no           not applicable  none     -            -                     \
            -                     -
            CN=api.example.com X  EC 384    no           fetched         expired  good         2025-12-31T00:00:00Z  \
            2026-01-01T01:01:00Z  transport: connection refused

            """
        #expect(table.text == expected)
    }

    @Test("no certificates")
    func empty() throws {
        let table = try StatusTable(document: try JSONValue(parsing: #"{"version":"1","certificates":[]}"#))
        #expect(table.text.hasSuffix("\n\nno certificates\n"))
    }

    @Test("a document without a certificate list is an error")
    func notAStatus() {
        #expect(throws: AdminClientError.self) { try StatusTable(document: try JSONValue(parsing: "[1,2]")) }
        #expect(throws: AdminClientError.self) { try StatusTable(document: try JSONValue(parsing: #"{"a":1}"#)) }
    }

    @Test("renders the live /status document of a server")
    func liveDocument() throws {
        let harness = try LoopHarness()
        let table = try StatusQuery.table(at: harness.address, client: AdminHTTPClient(timeout: .seconds(5)))
        let lines = table.text.split(separator: "\n")
        #expect(lines.count == 2 + AdminFixtures.all.count)
        #expect(lines[1].hasPrefix("SUBJECT"))
        #expect(table.text.contains("CN=shop.example.com"))
        #expect(table.text.contains("revoked at 2025-12-30T00:00:00Z (keyCompromise)"))
    }
}

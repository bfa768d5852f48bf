import TestSupport
import Testing

@testable import Stapling

#if canImport(Glibc)
    import Glibc
#endif

/// The dedicated fetch threads: results reach async callers, concurrency is bounded, queued
/// fetches can be cancelled and a shut-down pool refuses work.
@Suite("OCSP fetch thread pool")
struct OCSPFetchThreadPoolTests {
    let request: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x00]
    let body: [UInt8] = [0x30, 0x03, 0x0A, 0x01, 0x00]

    @Test func fetchesOnThePoolAndResumesTheCaller() async throws {
        let server = try ScriptedHTTPServer(
            answer: ScriptedHTTPServer.response(headers: ["Cache-Control: max-age=5"], body: body))
        let pool = OCSPFetchThreadPool(threads: 2)
        defer { pool.shutdown() }
        #expect(pool.threadCount == 0)  // Threads start on demand.
        let response = try await pool.fetch(url: server.url, request: request, settings: .test).response()
        #expect(response.body == body)
        #expect(response.maxAge == 5)
        // One fetch after another needs one thread: the first stays and takes the second.
        _ = try await pool.fetch(url: server.url, request: request, settings: .test).response()
        #expect(pool.threadCount == 1)
    }

    @Test func concurrencyIsBoundedByTheThreadCount() async throws {
        let inFlight = Counter()
        let answer = ScriptedHTTPServer.response(body: body)
        let server = try ScriptedHTTPServer { _, stream in
            inFlight.enter()
            usleep(300_000)
            // Before the answer: once it is out, the same fetch thread may connect again before
            // this handler thread runs another instruction.
            inFlight.leave()
            try stream.write(answer)
        }
        let pool = OCSPFetchThreadPool(threads: 2)
        defer { pool.shutdown() }
        let url = server.url
        let request = self.request
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    if case .success = await pool.fetch(url: url, request: request, settings: .test) { return true }
                    return false
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 6))
        #expect(inFlight.maximum == 2)
        #expect(pool.threadCount == 2)
        #expect(server.requests.count == 6)
    }

    @Test func cancellingAQueuedFetchReturnsAtOnce() async throws {
        let server = try ScriptedHTTPServer { _, stream in
            _ = try? stream.read()  // never answer; returns when the client gives up
        }
        let pool = OCSPFetchThreadPool(threads: 1)
        defer { pool.shutdown() }
        let url = server.url
        let request = self.request
        let settings = OCSPTransportSettings.test.with(totalTimeout: .seconds(3))
        let blocking = Task { await pool.fetch(url: url, request: request, settings: settings) }
        try server.server.waitForAccepted(1)

        let queued = Task { await pool.fetch(url: url, request: request, settings: settings) }
        try await Task.sleep(for: .milliseconds(50))
        queued.cancel()
        let cancelled = try await queued.value.error()
        #expect(cancelled.reason == .cancelled)
        #expect(server.server.acceptedCount == 1)

        let timedOut = try await blocking.value.error()
        #expect(timedOut.reason == .timeout(.responseHead))
    }

    @Test func shutDownPoolRefusesFetches() async throws {
        let pool = OCSPFetchThreadPool(threads: 1)
        pool.shutdown()
        let error = try await pool.fetch(url: "http://127.0.0.1:1/", request: request, settings: .test).error()
        #expect(error.reason == .poolShutDown)
        pool.shutdown()  // idempotent
    }

    /// When the pool asks for a thread: a job that finds fewer idle threads than queued jobs, up
    /// to the maximum; a thread that could not be started is taken back, and with none left the
    /// queued jobs come back to be failed. (That a thread done with a fetch takes the caller's
    /// next one is `fetchesOnThePoolAndResumesTheCaller`.)
    @Test func threadsAreAskedForOnDemandAndTakenBackWhenTheyCannotStart() {
        func job() -> FetchJob { FetchJob(url: "http://127.0.0.1:9/", der: [], settings: .test) }

        let queue = FetchQueue(maxThreads: 2)
        let first = job()
        #expect(queue.submit(first) == .queuedWithNewThread)
        // pthread_create failed: nobody runs the job, so it comes back.
        #expect(queue.threadDidNotStart().map { ObjectIdentifier($0) } == [ObjectIdentifier(first)])
        #expect(queue.threadCount == 0)

        #expect(queue.submit(job()) == .queuedWithNewThread)
        #expect(queue.submit(job()) == .queuedWithNewThread)  // two queued, none idle
        #expect(queue.threadCount == 2)
        #expect(queue.threadDidNotStart().isEmpty)  // the other thread will take both
        #expect(queue.threadCount == 1)

        let capped = FetchQueue(maxThreads: 1)
        #expect(capped.submit(job()) == .queuedWithNewThread)
        #expect(capped.submit(job()) == .queued)

        _ = queue.shutDown()
        _ = capped.shutDown()
    }
}

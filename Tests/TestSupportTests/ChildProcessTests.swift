import Foundation
import TestSupport
import Testing

@Suite("ChildProcess", .serialized)
struct ChildProcessTests {
    @Test func capturesExitStatusAndBothStreams() throws {
        let child = try ChildProcess.start(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(try child.waitForExit(timeout: .seconds(10)) == 3)
        #expect(child.stdout == "out\n")
        #expect(child.stderr == "err\n")
    }

    @Test func stopSendsSIGTERMAndReaps() throws {
        let child = try ChildProcess.start(["/bin/sh", "-c", "echo ready; exec sleep 30"])
        let line = try child.waitForOutput(containing: "ready", in: .stdout, timeout: .seconds(10))
        #expect(line == "ready")
        #expect(child.isRunning)
        let started = ContinuousClock.now
        #expect(try child.stop() == 128 + SIGTERM)
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(!child.isRunning)
    }

    @Test func stopEscalatesToSIGKILLAfterTheGracePeriod() throws {
        let child = try ChildProcess.start(["/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"])
        try child.waitForOutput(containing: "ready", in: .stdout)
        let started = ContinuousClock.now
        #expect(try child.stop(grace: .milliseconds(300)) == 128 + SIGKILL)
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    /// The bug this type exists for: a child must not inherit the test thread's blocked signals.
    @Test func childGetsAnEmptySignalMaskAndDefaultDispositions() throws {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        _ = signal(SIGPIPE, SIG_IGN)  // as TestSupport itself does for its sockets
        let result = try ChildProcess.run(["grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"])
        var masks: [String: UInt64] = [:]
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            masks[String(fields[0])] = UInt64(fields[1], radix: 16)
        }
        // Signals 1–31; glibc reserves 32 and 33 for itself and posix_spawn cannot reset them.
        let standardSignals: UInt64 = 0x7fff_ffff
        #expect(try #require(masks["SigBlk:"]) & standardSignals == 0)
        #expect(try #require(masks["SigIgn:"]) & standardSignals == 0)
    }

    @Test func waitForOutputTimesOutWithTheOutputTail() throws {
        let child = try ChildProcess.start(["/bin/sh", "-c", "echo something-else >&2; exec sleep 30"])
        let error = #expect(throws: TestSupportError.self) {
            try child.waitForOutput(containing: "never printed", timeout: .milliseconds(200))
        }
        #expect(error?.code == .timedOut)
        #expect(error?.detail.contains("something-else") == true)
    }

    @Test func waitForOutputFailsFastWhenTheProcessExits() throws {
        let child = try ChildProcess.start(["/bin/sh", "-c", "echo bye >&2; exit 7"])
        let started = ContinuousClock.now
        let error = #expect(throws: TestSupportError.self) {
            try child.waitForOutput(containing: "never printed", timeout: .seconds(30))
        }
        #expect(error?.code == .exitedEarly)
        #expect(error?.detail.contains("exited with 7") == true)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func waitForOutputAfterAMarkIgnoresEarlierLines() throws {
        let child = try ChildProcess.start(["/bin/sh", "-c", "echo tick 1; sleep 0.3; echo tick 2; exec sleep 30"])
        try child.waitForOutput(containing: "tick", in: .stdout)
        let mark = child.mark(.stdout)
        #expect(try child.waitForOutput(containing: "tick", in: .stdout, after: mark) == "tick 2")
    }

    @Test func runKillsACommandPastItsDeadline() throws {
        let started = ContinuousClock.now
        let error = #expect(throws: TestSupportError.self) {
            try ChildProcess.run(["sleep", "30"], timeout: .milliseconds(300))
        }
        #expect(error?.code == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func runPassesStdinEnvironmentAndWorkingDirectory() throws {
        #expect(try ChildProcess.run(["cat"], stdin: "piped text").stdout == "piped text")
        let environment = ChildProcess.inheritedEnvironment(adding: ["STAPLED_TEST_VALUE": "42"])
        let echoed = try ChildProcess.run(["/bin/sh", "-c", "echo $STAPLED_TEST_VALUE"], environment: environment)
        #expect(echoed.stdout == "42\n")
        #expect(try ChildProcess.run(["pwd"], cwd: "/tmp").stdout == "/tmp\n")
    }

    @Test func aMissingExecutableIsASpawnError() {
        let error = #expect(throws: TestSupportError.self) {
            try ChildProcess.start(["/nonexistent/stapled-test-binary"])
        }
        #expect(error?.code == .spawnFailed)
    }

    @Test func droppingARunningChildKillsIt() throws {
        var child: ChildProcess? = try ChildProcess.start(["sleep", "30"])
        let pid = try #require(child?.pid)
        #expect(kill(pid, 0) == 0)
        child = nil
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    @Test func countsOpenFileDescriptors() throws {
        let count = try openFileDescriptorCount(pid: getpid())
        let stream = try EchoServer()
        #expect(try openFileDescriptorCount(pid: getpid()) > count)
        stream.stop()
    }
}

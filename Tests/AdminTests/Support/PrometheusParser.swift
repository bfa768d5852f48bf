import Foundation
import TestSupport

/// Parses exposition text with the reference Python client (`prometheus_client`), so the output is
/// checked by the parser Prometheus users run, not by our own reading of the format.
enum PrometheusParser {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var name: String
        var type: String
        var help: String
        var samples: [Sample]
    }

    private static let script = """
        import json, sys
        try:
            from prometheus_client.parser import text_string_to_metric_families
        except ImportError:
            sys.stderr.write("python3 module prometheus_client is missing: "
                             "apt-get install python3-prometheus-client (or pip install prometheus_client)\\n")
            sys.exit(3)
        text = open(sys.argv[1], encoding="utf-8").read()
        families = []
        for family in text_string_to_metric_families(text):
            families.append({"name": family.name, "type": family.type, "help": family.documentation,
                             "samples": [{"name": s.name, "labels": s.labels, "value": s.value}
                                         for s in family.samples]})
        print(json.dumps(families))
        """

    static func parse(_ text: String) throws -> [Family] {
        let directory = try TemporaryDirectory(prefix: "metrics")
        let file = try directory.write(text, to: "metrics.txt")
        let result = try ChildProcess.run(["python3", "-c", script, file], timeout: .seconds(30))
        guard result.status == 0 else {
            throw RawHTTPError(description: "prometheus_client rejected the exposition:\n\(result.stderr)")
        }
        let decoded = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return decoded.map { family in
            let samples = (family["samples"] as? [[String: Any]] ?? []).map { sample in
                Sample(
                    name: sample["name"] as? String ?? "", labels: sample["labels"] as? [String: String] ?? [:],
                    value: (sample["value"] as? NSNumber)?.doubleValue ?? .nan)
            }
            return Family(
                name: family["name"] as? String ?? "", type: family["type"] as? String ?? "",
                help: family["help"] as? String ?? "", samples: samples)
        }
    }
}

extension [PrometheusParser.Family] {
    /// Every sample named `name` (with the `_total` suffix for counters).
    func samples(_ name: String) -> [PrometheusParser.Sample] {
        flatMap(\.samples).filter { $0.name == name }
    }

    /// The value of the one sample named `name` whose labels include `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples(name).filter { sample in labels.allSatisfy { sample.labels[$0.key] == $0.value } }
        return matching.count == 1 ? matching[0].value : nil
    }
}

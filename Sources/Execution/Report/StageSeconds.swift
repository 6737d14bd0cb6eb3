/// How long one stage of a run took, as the run report keeps it.
public struct StageSeconds: Sendable, Codable, Hashable {
    public var stage: String
    public var seconds: Double

    public init(stage: String, seconds: Double) {
        self.stage = stage
        self.seconds = seconds
    }
}

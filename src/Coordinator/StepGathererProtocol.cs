using Akka.Actor;

namespace ActorGraph.Coordinator;

// From the coordinator to its gatherer, before any worker hears of the step. Never leaves the process.
internal sealed record GatherStep(StepGathering Step) : INoSerializationVerificationNeeded;

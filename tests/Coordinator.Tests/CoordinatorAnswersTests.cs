using ActorGraph.Messaging.Channel;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

public class CoordinatorAnswersTests
{
    [Fact]
    public void A_request_the_coordinator_s_node_could_not_read_fails_with_why_and_what_to_check()
    {
        var e = Assert.Throws<InternalException>(() =>
            CoordinatorAnswers.Values(new FrameRefused("RunStep", "Unknown message manifest 'RunStep2'."), [], [], _ => { }, _ => { }));
        Assert.Contains("could not read a step's RunStep", e.Message);
        Assert.Contains("Unknown message manifest", e.Message);
        Assert.Contains("same ActorGraph version", e.Message);
    }
}

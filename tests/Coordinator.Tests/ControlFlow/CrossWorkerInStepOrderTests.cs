using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests.ControlFlow;

public class LocalCrossWorkerInStepOrderTests
{
    private static readonly Akka.Actor.ActorSystem? Local = null;

    [Fact]
    public void A_read_on_one_worker_after_the_initializer_on_another_sees_the_initial_value() =>
        CrossWorkerInStepOrder.A_read_on_one_worker_after_the_initializer_on_another_sees_the_initial_value(Local);

    [Fact]
    public void A_read_on_one_worker_after_an_AssignAdd_on_another_sees_the_sum() =>
        CrossWorkerInStepOrder.A_read_on_one_worker_after_an_AssignAdd_on_another_sees_the_sum(Local);

    [Fact]
    public void Only_reads_ordered_after_a_write_on_another_worker_see_it() =>
        CrossWorkerInStepOrder.Only_reads_ordered_after_a_write_on_another_worker_see_it(Local);

    [Fact]
    public void A_read_after_an_optimizer_step_on_its_own_worker_sees_the_step() =>
        CrossWorkerInStepOrder.A_read_after_an_optimizer_step_on_its_own_worker_sees_the_step(Local);

    [Fact]
    public void A_read_after_an_Assign_that_follows_an_AssignAdd_on_another_worker_sees_the_Assign() =>
        CrossWorkerInStepOrder.A_read_after_an_Assign_that_follows_an_AssignAdd_on_another_worker_sees_the_Assign(Local);

    [Fact]
    public void An_Assign_after_an_AssignAdd_on_another_worker_is_the_value_after_the_step() =>
        CrossWorkerInStepOrder.An_Assign_after_an_AssignAdd_on_another_worker_is_the_value_after_the_step(Local);

    [Fact]
    public void An_AssignAdd_after_an_AssignAdd_on_another_worker_adds_to_its_sum() =>
        CrossWorkerInStepOrder.An_AssignAdd_after_an_AssignAdd_on_another_worker_adds_to_its_sum(Local);

    [Fact]
    public void A_read_on_one_worker_after_a_loop_of_AssignAdds_on_another_sees_every_iteration() =>
        CrossWorkerInStepOrder.A_read_on_one_worker_after_a_loop_of_AssignAdds_on_another_sees_every_iteration(Local);

    [Fact]
    public void A_loop_body_on_one_worker_reads_what_its_previous_iteration_assigned_after_an_Assign_on_another() =>
        CrossWorkerInStepOrder.A_loop_body_on_one_worker_reads_what_its_previous_iteration_assigned_after_an_Assign_on_another(Local);
}

// The same in the test's ActorSystem, every message serialized and read back as if it crossed a wire.
public class SimulatedCrossWorkerInStepOrderTests() : TestKit(TestConfig.Actors)
{
    private Akka.Actor.ActorSystem Hosted => Sys;

    [Fact]
    public void A_read_on_one_worker_after_the_initializer_on_another_sees_the_initial_value() =>
        CrossWorkerInStepOrder.A_read_on_one_worker_after_the_initializer_on_another_sees_the_initial_value(Hosted);

    [Fact]
    public void A_read_on_one_worker_after_an_AssignAdd_on_another_sees_the_sum() =>
        CrossWorkerInStepOrder.A_read_on_one_worker_after_an_AssignAdd_on_another_sees_the_sum(Hosted);

    [Fact]
    public void Only_reads_ordered_after_a_write_on_another_worker_see_it() =>
        CrossWorkerInStepOrder.Only_reads_ordered_after_a_write_on_another_worker_see_it(Hosted);

    [Fact]
    public void A_read_after_an_optimizer_step_on_its_own_worker_sees_the_step() =>
        CrossWorkerInStepOrder.A_read_after_an_optimizer_step_on_its_own_worker_sees_the_step(Hosted);

    [Fact]
    public void A_read_after_an_Assign_that_follows_an_AssignAdd_on_another_worker_sees_the_Assign() =>
        CrossWorkerInStepOrder.A_read_after_an_Assign_that_follows_an_AssignAdd_on_another_worker_sees_the_Assign(Hosted);

    [Fact]
    public void An_Assign_after_an_AssignAdd_on_another_worker_is_the_value_after_the_step() =>
        CrossWorkerInStepOrder.An_Assign_after_an_AssignAdd_on_another_worker_is_the_value_after_the_step(Hosted);

    [Fact]
    public void An_AssignAdd_after_an_AssignAdd_on_another_worker_adds_to_its_sum() =>
        CrossWorkerInStepOrder.An_AssignAdd_after_an_AssignAdd_on_another_worker_adds_to_its_sum(Hosted);

    [Fact]
    public void A_read_on_one_worker_after_a_loop_of_AssignAdds_on_another_sees_every_iteration() =>
        CrossWorkerInStepOrder.A_read_on_one_worker_after_a_loop_of_AssignAdds_on_another_sees_every_iteration(Hosted);

    [Fact]
    public void A_loop_body_on_one_worker_reads_what_its_previous_iteration_assigned_after_an_Assign_on_another() =>
        CrossWorkerInStepOrder.A_loop_body_on_one_worker_reads_what_its_previous_iteration_assigned_after_an_Assign_on_another(Hosted);
}

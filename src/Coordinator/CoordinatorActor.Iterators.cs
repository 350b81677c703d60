using ActorGraph.Execution;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// Dataset iterators in checkpoints: each live worker reports where its iterators stand (stamped with its
// task), and a restore gives each worker its own positions back; a departed worker's go to the first live
// one, where a step's iterator is placed.
public sealed partial class CoordinatorActor
{
    private void IteratorCheckpoints()
    {
        Receive<CopyIteratorPositions>(_ => Handle());
        Receive<RestoreIteratorPositions>(Handle);
    }

    private void Handle()
    {
        var tasks = LiveTasks();
        var asks = tasks.Select(t => _workers[t].Ask<IteratorPositionsReported>(new ReportIteratorPositions(), _stepTimeout));
        Task.WhenAll(asks).ContinueWith(t => t.IsCompletedSuccessfully
                ? (object)new IteratorPositionsCopied([.. t.Result.SelectMany((r, i) => r.Positions.Select(p => p with { Worker = tasks[i] }))])
                : Failed("Copying the dataset iterators' positions", t.Exception))
            .PipeTo(Sender, Self);
    }

    private void Handle(RestoreIteratorPositions m)
    {
        var tasks = LiveTasks();
        if (tasks.Length == 0)
        {
            Sender.Tell(new StepFailed(0, ErrorCodes.Unavailable, "Restoring the dataset iterators' positions: no worker is serving.", null));
            return;
        }
        var byTask = (m.Positions ?? []).GroupBy(p => tasks.Contains(p.Worker) ? p.Worker : tasks[0]).ToDictionary(g => g.Key, g => g.ToArray());
        var asks = tasks.Select(t => _workers[t].Ask<IteratorsRestored>(new RestoreIterators(byTask.GetValueOrDefault(t) ?? []), _stepTimeout));
        Task.WhenAll(asks).ContinueWith(t => t.IsCompletedSuccessfully
                ? (object)new IteratorPositionsRestored()
                : Failed("Restoring the dataset iterators' positions", t.Exception))
            .PipeTo(Sender, Self);
    }

    private static StepFailed Failed(string what, AggregateException? error) =>
        new(0, ErrorCodes.Unavailable, $"{what} failed: a worker did not answer ({error?.GetBaseException().Message}).", null);
}

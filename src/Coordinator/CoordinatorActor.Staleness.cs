using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// Bounded staleness for asynchronous data-parallel steps (DataParallelism.MaxStaleness). An update's
// staleness is the number of other updates applied between its replica's read and its own: with U
// replica updates in flight, at most U-1. So a step of K replicas starts only while the updates in
// flight plus its K stay within bound+1; otherwise it waits here, in arrival order, until steps finish.
public sealed partial class CoordinatorActor
{
    private readonly Dictionary<IActorRef, int> _asyncInFlight = [];
    private readonly LinkedList<(RunStep Step, IActorRef Client)> _heldForStaleness = new();
    private int _asyncUpdatesInFlight;
    // Set while a held step is started again: it goes before the steps that came after it, and back to the front if it must still wait.
    private bool _releasing, _heldAgain;

    // True when the step was answered (it can never meet the bound) or held for later.
    private bool HoldForStaleness(RunStep m, long stepId, IActorRef client, DataParallelism settings, int k)
    {
        if (settings.Synchronous || settings.MaxStaleness is not { } bound) return false;
        if (k - 1 > bound)
        {
            client.Tell(new StepFailed(stepId, ErrorCodes.InvalidArgument, $"DataParallelism.MaxStaleness is {bound}, but one step of {k} replicas " +
                $"already makes its last update {k - 1} updates stale (the replicas read together). Raise MaxStaleness to {k - 1} or more, " +
                $"or set Replicas to {bound + 1} or fewer.", null));
            return true;
        }
        bool othersWaitAhead = _heldForStaleness.Count > 0 && !_releasing;
        if (!othersWaitAhead && (_asyncUpdatesInFlight == 0 || _asyncUpdatesInFlight + k - 1 <= bound)) return false;
        if (_releasing)
        {
            _heldForStaleness.AddFirst((m, client));
            _heldAgain = true;
        }
        else _heldForStaleness.AddLast((m, client));
        return true;
    }

    private void InFlight(IActorRef stepActor, DataParallelism settings, int k)
    {
        if (settings.Synchronous || settings.MaxStaleness is null) return;
        _asyncInFlight[stepActor] = k;
        _asyncUpdatesInFlight += k;
        Context.Watch(stepActor);
    }

    // A step actor stops once the step is answered (its updates applied, or the step failed).
    private bool AsyncStepDone(IActorRef stepActor)
    {
        if (!_asyncInFlight.Remove(stepActor, out int k)) return false;
        _asyncUpdatesInFlight -= k;
        // Held steps start in turn until one must still wait.
        while (_heldForStaleness.First is { } first)
        {
            _heldForStaleness.RemoveFirst();
            _releasing = true;
            _heldAgain = false;
            try
            {
                Start(first.Value.Step, first.Value.Client);
            }
            finally
            {
                _releasing = false;
            }
            if (_heldAgain) break;
        }
        return true;
    }
}

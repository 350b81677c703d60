using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph.Worker;

// A step's progress: absorb what arrives, run every stage whose inputs are in, then update and reply.
public sealed partial class WorkerActor
{
    private void Absorb(WorkerStep step, IActorRef shardRef, VariablesRead read)
    {
        var program = step.Program!;
        int shard = program.ShardIndexOf(shardRef);
        if (shard < 0) return;
        // The answer to a Fresh read of what was missing from this shard's first answer.
        var indices = step.Refills.Remove(shard, out var refill) ? refill : program.Registration.Reads[shard];
        List<int>? missing = null;
        for (int i = 0; i < indices.Length && i < read.Values.Length; i++)
        {
            var name = program.Registration.Variables[indices[i]];
            long version = read.Versions is { } versions && i < versions.Length ? versions[i] : 0;
            var value = read.Values[i];
            if (value is not null && version != 0) _held.Keep(shardRef, name, version, value);
            else if (value is null && version != 0 && (value = _held.Find(shardRef, name, version)) is null) (missing ??= []).Add(indices[i]);
            step.Values[indices[i]] = value;
            step.ReadVersions[indices[i]] = version;
        }
        if (missing is null)
        {
            step.ReadsPending--;
            return;
        }
        // The shard thinks this worker holds values it does not (it restarted): ask for them in full.
        step.Refills[shard] = [.. missing];
        var names = missing.Select(i => program.Registration.Variables[i]).ToArray();
        _bulk.Tell(shardRef, new ReadVariables(step.StepId, names, Fresh: true), Self);
    }

    private static void Absorb(WorkerStep step, TensorsSent sent)
    {
        var targets = step.Program!.EdgeTargets;
        for (int i = 0; i < sent.Edges.Length; i++)
            if (targets.TryGetValue(sent.Edges[i], out var at)) Deliver(step, at.Stage, at.Slot, sent.Values[i]);
    }

    private static void Deliver(WorkerStep step, int stage, int slot, NDArray? value)
    {
        step.Received[stage][slot] = value;
        step.ReceivedCount[stage]++;
    }

    private void Progress(WorkerStep step)
    {
        if (step.Program is not { } program || step.ReadsPending > 0) return;
        try
        {
            bool ran;
            do
            {
                ran = false;
                for (int s = 0; s < program.Stages.Length; s++)
                    if (step.StageReady(s))
                    {
                        RunStage(step, s);
                        ran = true;
                    }
            } while (ran);
        }
        catch (Exception e)
        {
            Fail(step, ErrorCodes.Of(e), e is ActorGraphException ? e.Message : $"{Name}: {e.GetType().Name}: {e.Message}");
            return;
        }
        if (Array.TrueForAll(step.StageDone, d => d)) SendUpdates(step);
    }

    private void RunStage(WorkerStep step, int s)
    {
        var stage = step.Program!.Stages[s];
        var definition = stage.Definition;
        var fed = new KeyValuePair<Tensor, NDArray>[stage.Feeds.Length + stage.DataRecvCount];
        int n = 0;
        for (int i = 0; i < stage.Feeds.Length; i++) fed[n++] = new(stage.Feeds[i], step.Feeds[definition.FeedSlots[i]]);
        for (int i = 0; i < stage.Recvs.Length; i++)
            if (stage.Recvs[i] is { } t) fed[n++] = new(t, step.Received[s][i] ?? throw MissingRecv(definition, i));
        var values = step.Run(stage, fed);
        step.StageDone[s] = true;
        for (int f = 0; f < definition.FetchIndices.Length; f++)
        {
            step.FetchIndices.Add(definition.FetchIndices[f]);
            step.FetchValues.Add(values[f]);
        }
        SendTensors(step, stage, values);
    }

    private InternalException MissingRecv(PartitionStage stage, int i) =>
        new($"{Name}: edge {stage.RecvEdges[i]} ('{stage.RecvTensors[i]}') arrived without a value.");

    // One TensorsSent per destination worker; a stage of this worker gets its values directly (they stay
    // valid: the step keeps its plan instances). A large kernel buffer is lent rather than given away,
    // so the kernel writes it again next step instead of allocating anew.
    private void SendTensors(WorkerStep step, StageProgram stage, NDArray?[] values)
    {
        var definition = stage.Definition;
        if (definition.SendEdges.Length == 0) return;
        var program = step.Program!;
        foreach (var group in Enumerable.Range(0, definition.SendEdges.Length).GroupBy(i => definition.SendWorkers[i]))
        {
            var target = program.Workers[group.Key];
            if (target.Equals(Self))
            {
                foreach (int i in group)
                    if (program.EdgeTargets.TryGetValue(definition.SendEdges[i], out var at))
                        Deliver(step, at.Stage, at.Slot, values[stage.SendFetchOffset + i]);
                continue;
            }
            var edges = group.Select(i => definition.SendEdges[i]).ToArray();
            // Lent only within this ActorSystem: to another node the tensors are serialized, later than now.
            bool lend = _bulk.IsInProcess(target);
            var sent = group.Select(i => lend ? Lend(step, values[stage.SendFetchOffset + i]) : Give(values[stage.SendFetchOffset + i])).ToArray();
            _bulk.Tell(target, new TensorsSent(step.StepId, program.PlanId, edges, sent), Self);
        }
    }

    private const int LendAtLeastBytes = 4096;

    // Given away rather than lent: the kernel no longer reuses it.
    private static NDArray? Give(NDArray? value)
    {
        if (value?.Owner is not Ops.KernelContext kernel) return value;
        kernel.Release(value);
        value.Owner = null;
        return value;
    }

    private static NDArray? Lend(WorkerStep step, NDArray? value)
    {
        if (value?.Owner is not Ops.KernelContext kernel) return value;
        if (value.Length * value.DType.SizeInBytes() >= LendAtLeastBytes) step.LentTensors = true;
        else
        {
            // Small: cheaper to allocate a new one next step than to wait for the step's end.
            kernel.Release(value);
            value.Owner = null;
        }
        return value;
    }

    private void SendUpdates(WorkerStep step)
    {
        var program = step.Program!;
        var wanted = new int[]?[program.Shards.Length];
        for (int shard = 0; shard < program.Shards.Length; shard++)
            if (step.UpdatesFor(shard) is { Count: > 0 }) wanted[shard] = step.WantedFrom(shard);
        string? ackTo = ShardsMayAnswerGatherer(step, wanted) ? step.ReplyTo.Path.ToSerializationFormatWithAddress(DefaultAddress) : null;
        var routing = UpdateRouting.Of(step.Replicas, step.Weight, ackTo, ackTo is null ? null : step.AnswerTo);
        var replayedOn = new long[]?[program.Shards.Length];
        for (int shard = 0; shard < program.Shards.Length; shard++)
            if (step.UpdatesFor(shard) is { Count: > 0 } updates)
            {
                replayedOn[shard] = step.ReplayBases(shard);
                _bulk.Tell(program.Shards[shard], new ApplyUpdates(step.StepId, updates.ToArray(), wanted[shard], routing, replayedOn[shard]), Self);
                step.UpdatesPending++;
            }
            else if (step.Lenders.Contains(program.Shards[shard])) program.Shards[shard].Tell(new ReleaseReads(step.StepId));
        // Every stage has run, so the lent reads are no longer used (ApplyUpdates released them too).
        step.Lenders.Clear();
        if (step.UpdatesPending == 0) Succeed(step);
        else if (ackTo is not null) Answer(step, shardAcks: step.UpdatesPending);
        Replay(step, replayedOn);
    }

    // After the answer, off the step's way back: this worker's updates applied to its held copies, as the shards
    // apply them (ShardActor.HeldCopies), so that the new values need not cross back. The operands are still the
    // step's kernel buffers (they stay until the shards' UpdatesApplied). The copy this step read is written in place
    // when nothing may still read it: held copies never leave a step uncopied (HeldCopies.Keep marks them as a
    // variable's storage), this step has run all its stages, no other step is running, no update of this step sends
    // the copy itself (an Assign of it, whose bytes may still be on their way), and a later read of the old version
    // misses it and asks for the value in full. Else the replay goes into a new array, which costs an MLP's 1 MB a step.
    private void Replay(WorkerStep step, long[]?[] replayedOn)
    {
        bool othersRunning = _steps.Values.Any(s => s != step && s.Program is not null && !Array.TrueForAll(s.StageDone, d => d));
        for (int shard = 0; shard < replayedOn.Length; shard++)
        {
            if (replayedOn[shard] is not { } bases) continue;
            var shardRef = step.Program!.Shards[shard];
            var updates = step.UpdatesFor(shard)!;
            for (int u = 0; u < bases.Length; u++)
            {
                if (bases[u] == 0) continue;
                var name = updates[u].Variable;
                var read = step.ReadBy(shard, u);
                bool inPlace = !othersRunning && !step.IsOperand(read) && _held.TryTake(shardRef, name, bases[u], read);
                try
                {
                    _held.Replayed(shardRef, name, bases[u], step.Replay(shard, u, into: inPlace ? read : read.Copy()));
                }
                catch (ActorGraphException)
                {
                    // An update UpdateRules refuses (a shape or a dtype the variable does not have) is refused by the
                    // shard too, before it writes anything, and then nothing is confirmed.
                }
            }
        }
    }

    // The way back to the client is one hop shorter when the shards tell the step's gatherer their updates are
    // applied, and this worker answers as soon as it sent them: for a step of one replica whose update outputs
    // nobody fetched, with every shard on another node (their UpdatesApplied still come here, and the step keeps
    // its kernels' buffers, the updates' operands, until they do). Not a replica of a data-parallel step (a share of
    // the batch, sync or async): its gatherer counts the updates in flight by the replicas' answers. With a client
    // on another node (RunPartition.AnswerTo) the shards tell it too, and the gatherer answers it without waiting
    // for them: then the way back is shorter even when the gatherer is in this process.
    private bool ShardsMayAnswerGatherer(WorkerStep step, int[]?[] wanted)
    {
        if (step.IsReplica || (step.AnswerTo is null && _bulk.IsInProcess(step.ReplyTo))) return false;
        for (int shard = 0; shard < wanted.Length; shard++)
            if (wanted[shard] is { } w && (w.Length > 0 || !_bulk.SerializesNow(step.Program!.Shards[shard]))) return false;
        return true;
    }

    private Address DefaultAddress => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;

    private void Succeed(WorkerStep step)
    {
        _steps.Remove(step.StepId);
        if (step.LentTensors) AwaitEnd(step);
        else step.Finish();
        if (!step.Answered) Answer(step, shardAcks: 0);
    }

    private void Answer(WorkerStep step, int shardAcks)
    {
        step.Answered = true;
        _bulk.Tell(step.ReplyTo, new PartitionSucceeded(step.StepId, step.FetchIndices.ToArray(), step.FetchValues.ToArray(), Printed(step), step.LentTensors, shardAcks), Self);
    }

    private void Fail(WorkerStep step, string code, string message)
    {
        Forget(step.StepId);
        // Answered already: the shard that failed tells the gatherer itself (ApplyUpdates.AckTo).
        if (step.Answered) return;
        if (step.Program is null)
        {
            // The failure came before RunPartition: keep it, so that RunPartition is answered with it.
            _failedEarly[step.StepId] = (code, message);
            return;
        }
        step.ReplyTo.Tell(new PartitionFailed(step.StepId, code, message, Printed(step)));
    }

    private static string? Printed(WorkerStep step)
    {
        var text = step.Printed?.ToString();
        return string.IsNullOrEmpty(text) ? null : text;
    }
}

namespace ActorGraph.Worker.Tests;

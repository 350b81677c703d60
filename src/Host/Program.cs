using ActorGraph.Host.Cli;

return App.Run(args);

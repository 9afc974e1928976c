return await Tsunagu.Cli.RunAsync(args);

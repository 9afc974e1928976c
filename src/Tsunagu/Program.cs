return await Tsunagu.Cli.RunAsync(args);
public partial class Program;

using Sharpgres;
using Sharpgres.Testing;
using Tutorial;

// The tutorials in shared/seeds, step by step in C#. Connection: --conninfo, else PG* variables or ./db_info.ini,
// else a throwaway server started for this run.
var which = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
var conninfoArg = args.SkipWhile(a => a != "--conninfo").Skip(1).FirstOrDefault();
if (args.Contains("--help") || which is not ("all" or "suppliers" or "guide" or "people"))
{
    Console.WriteLine("usage: dotnet run --project samples/Tutorial -- [suppliers|guide|people|all] [--conninfo CONNINFO]");
    return which is "--help" || args.Contains("--help") ? 0 : 2;
}

TempServer? server = null;
try
{
    string adminConninfo;
    if (conninfoArg is not null) adminConninfo = conninfoArg;
    else if (Environment.GetEnvironmentVariable("PGHOST") is not null || Environment.GetEnvironmentVariable("PGDATABASE") is not null) adminConninfo = "";
    else if (File.Exists("db_info.ini")) adminConninfo = ConnectionInfo.FromIniFile("db_info.ini", "postgres-sample-db").ToConnectionString(includePassword: true);
    else
    {
        Console.WriteLine("no server configured: starting a throwaway PostgreSQL in a temp directory");
        server = TempServer.Start();
        adminConninfo = server.ConnectionString();
    }
    var walk = new Walkthroughs(adminConninfo);
    if (which is "all" or "suppliers") walk.Suppliers();
    if (which is "all" or "guide") walk.Guide();
    if (which is "all" or "people") walk.People();
    Console.WriteLine("all walkthroughs finished");
    return 0;
}
catch (Error e)
{
    Console.Error.WriteLine($"{e.GetType().FullName} (SQLSTATE {e.SqlState ?? "none"}): {e.Message}");
    return 1;
}
finally
{
    server?.Dispose();
}

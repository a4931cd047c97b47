using Sharpgres;
using Sharpgres.Testing;

namespace Tutorial;

/// <summary>One walkthrough: a seed tutorial, the database it runs in, and its steps.</summary>
public sealed record Walkthrough(string Name, string Summary, Action<Printer, ConnectionInfo> Run)
{
    /// <summary>Dropped and created again on every run, so reruns start clean; prefixed so no database of yours is touched.</summary>
    public string Database => $"sharpgres_{Name}";
}

/// <summary>
/// Runs walkthroughs against a server: <c>--conninfo</c>, else the PG* environment variables or ./db_info.ini, else a
/// throwaway server started for the run and removed at the end. Each walkthrough gets a fresh database of its own.
/// </summary>
public static class TutorialRunner
{
    public const string All = "all";

    public static IReadOnlyList<Walkthrough> Walkthroughs { get; } =
    [
        new("suppliers", "call a stored procedure: seed 000, \"PostgreSQL Python: Call Stored Procedures\"", Suppliers.Run),
        new("guide", "psycopg 3 step by step: seed 001, \"How to Access PostgreSQL from Python with Psycopg\"", Guide.Run),
        new("people", "psycopg2's people tutorial: seed 002, \"PostgreSQL in Python Using Psycopg2\"", People.Run),
    ];

    private static readonly string[] EnvironmentVariables = ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE"];

    /// <summary>
    /// Runs <paramref name="walkthrough"/> (a name or "all"), printing to <paramref name="output"/>. Returns 0, or 1
    /// after printing the exception class, SQLSTATE and message of a failure.
    /// </summary>
    public static int Run(string walkthrough, string? conninfo, TextWriter output)
    {
        var p = new Printer(output);
        var selected = walkthrough == All ? Walkthroughs : Walkthroughs.Where(w => w.Name == walkthrough).ToList();
        if (selected.Count == 0)
        {
            output.WriteLine($"unknown walkthrough '{walkthrough}': pick one of {string.Join(", ", Walkthroughs.Select(w => w.Name))} or {All}");
            return 2;
        }
        TempServer? server = null;
        try
        {
            var admin = Server(conninfo, p, ref server);
            foreach (var w in selected)
            {
                p.Title($"{w.Name}: {w.Summary}");
                w.Run(p, FreshDatabase(admin, w.Database, p));
            }
            output.WriteLine();
            output.WriteLine(selected.Count == 1 ? $"the {selected[0].Name} walkthrough ran to the end" : "all walkthroughs ran to the end");
            return 0;
        }
        catch (Exception e)
        {
            var sqlstate = (e as Error)?.SqlState ?? "none";
            output.WriteLine();
            output.WriteLine($"failed: {e.GetType().FullName} (SQLSTATE {sqlstate}): {e.Message}");
            if (e is TempServerException) output.WriteLine("the throwaway server needs PostgreSQL's server package (initdb, pg_ctl), e.g. apt-get install postgresql");
            return 1;
        }
        finally
        {
            if (server is not null)
            {
                server.Dispose();
                p.Say("the throwaway server is stopped and its directory removed");
            }
        }
    }

    /// <summary>Where the connection comes from, said out loud.</summary>
    private static ConnectionInfo Server(string? conninfo, Printer p, ref TempServer? server)
    {
        if (!string.IsNullOrEmpty(conninfo))
        {
            var info = ConnectionInfo.Parse(conninfo);
            p.Say($"server from --conninfo: {info}");
            return info;
        }
        if (EnvironmentVariables.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) is not null) is { } variable)
        {
            p.Say($"server from the PG* environment variables ({variable} is set)");
            return ConnectionInfo.Empty;
        }
        if (File.Exists("db_info.ini"))
        {
            p.Say($"server from ./db_info.ini, section [{People.Section}]");
            return ConnectionInfo.FromIniFile("db_info.ini", People.Section);
        }
        p.Line("no server configured: starting a throwaway PostgreSQL in a temp directory");
        server = TempServer.Start();
        p.Say($"PostgreSQL {server.Version} on {server.Host}:{server.Port}, in {server.Directory}");
        return ConnectionInfo.Parse(server.ConnectionString());
    }

    /// <summary>DROP DATABASE ... WITH (FORCE) and CREATE DATABASE, from the configured database (or postgres).</summary>
    private static ConnectionInfo FreshDatabase(ConnectionInfo admin, string name, Printer p)
    {
        Connection conn;
        try
        {
            conn = Pg.Connect(admin, autocommit: true);
        }
        catch (Sharpgres.Errors.InvalidCatalogName)
        {
            conn = Pg.Connect(admin.With("dbname", "postgres"), autocommit: true);
        }
        using (conn)
        {
            conn.Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            conn.Execute($"CREATE DATABASE {name}");
        }
        p.Say($"in a fresh database: {name} (dropped if it was there, and created)");
        return admin.With("dbname", name);
    }
}

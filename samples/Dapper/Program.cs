// Sharpgres under Dapper: run with a connection string, e.g.
//   dotnet run --project samples/Dapper -- "Host=localhost;Database=app;Username=app;Password=..."
// README.md's "Dapper and ADO.NET" section shows the ```cs blocks of this file; tests/Sharpgres.Data.Tests/DapperSampleTests.cs
// checks they are here verbatim and that every Console line prints what its comment says.
using System.Data;
using Dapper;
using Sharpgres.Data;

namespace Sharpgres.Samples.Dapper;

public sealed record Fortune(int Id, string Message);

public static class Program
{
    public static void Main(string[] args) => Run(args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("SHARPGRES_CONNECTION") ?? "", Console.Out);

    public static void Run(string connectionString, TextWriter output)
    {
        var Console = new ConsoleShim(output);
        // --- readme ---
        using var dataSource = SharpgresDataSource.Create(connectionString);
        using var conn = dataSource.OpenConnection();
        conn.Execute("CREATE TEMP TABLE fortune (id int PRIMARY KEY, message text NOT NULL)");
        var inserted = conn.Execute("INSERT INTO fortune VALUES (@Id, @Message)",
            new[] { new Fortune(1, "fortune: No such file or directory"), new Fortune(2, "A computer scientist is someone who fixes things that aren't broken.") });
        Console.WriteLine(inserted); // 2
        var fortunes = conn.Query<Fortune>("SELECT id, message FROM fortune WHERE id IN @ids ORDER BY id", new { ids = new[] { 1, 2 } }).ToList();
        Console.WriteLine(fortunes[0]); // Fortune { Id = 1, Message = fortune: No such file or directory }
        Console.WriteLine(conn.QuerySingle<int>("SELECT @x + 1", new { x = 41 })); // 42
        // --- readme ---
        // --- readme ---
        using (var tx = conn.BeginTransaction())
        {
            conn.Execute("UPDATE fortune SET message = upper(message) WHERE id = @id", new { id = 1 }, tx);
            tx.Rollback();
        }
        Console.WriteLine(conn.QuerySingle<string>("SELECT message FROM fortune WHERE id = 1")); // fortune: No such file or directory
        // Both faces on one session: the psycopg-style Connection underneath.
        Console.WriteLine(conn.AsSharpgres().Execute("SELECT count(*) FROM fortune").FetchOne<long>()); // 2
        // --- readme ---
    }

    /// <summary>Console.WriteLine into the given writer (so the test can run the sample in-process).</summary>
    private sealed class ConsoleShim(TextWriter output)
    {
        public void WriteLine(object? value) => output.WriteLine(value);
    }
}

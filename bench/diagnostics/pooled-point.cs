// Sharpgres-only diagnostic (not a driver comparison): a pooled DataSource connection, one mode per process.
// CS="<conninfo>" dotnet run -c Release bench/diagnostics/pooled-point.cs -- pg|dapper|ado [seconds]
// Prints rate, client CPU per query, bytes per query and thread-pool work items per query.
#:package Dapper@2.1.66
#:project ../../src/Sharpgres/Sharpgres.csproj
#:property PublishAot=false
using Dapper;
using Sharpgres.Data;
using System.Diagnostics;
var cs = Environment.GetEnvironmentVariable("CS")!;
var mode = args.Length > 0 ? args[0] : "dapper";
var seconds = args.Length > 1 ? double.Parse(args[1]) : 5;
using var src = SharpgresDataSource.Create(new SharpgresConnectionStringBuilder(cs + " sslmode=disable") { MaxPoolSize = 64 });
using var conn = src.OpenConnection();
var pg = conn.AsSharpgres();
var session = typeof(Sharpgres.Connection);
int i = 0;
for (var w = 0; w < 20000; w++) Run();
var sw = Stopwatch.StartNew(); var cpu0 = Process.GetCurrentProcess().TotalProcessorTime; long n = 0;
var alloc0 = GC.GetAllocatedBytesForCurrentThread(); var wi0 = ThreadPool.CompletedWorkItemCount;
while (sw.Elapsed.TotalSeconds < seconds) { Run(); n++; }
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
Console.WriteLine($"{mode}: {n / sw.Elapsed.TotalSeconds:N0} ops/s, {cpu.TotalMicroseconds / n:N1} us cpu/op, {(GC.GetAllocatedBytesForCurrentThread()-alloc0)/n} B/op, {(ThreadPool.CompletedWorkItemCount-wi0)/(double)n:F3} workitems/op, timers {Timer.ActiveCount}");
void Run()
{
    switch (mode)
    {
        case "dapper": conn.QuerySingle<int>("SELECT @x + 1", new { x = i++ }); break;
        case "ado": { using var cmd = conn.CreateCommand(); cmd.CommandText = "SELECT @x + 1"; var p = cmd.CreateParameter(); p.ParameterName = "x"; p.Value = i++; cmd.Parameters.Add(p); cmd.ExecuteScalar(); break; }
        case "pg": { using var cur = pg.Cursor(); cur.Execute("SELECT %s + 1", [i++]); cur.FetchOne(); break; }
    }
}

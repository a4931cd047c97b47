// Sharpgres-only diagnostic (not a driver comparison): ado_fetch_1M's reader loop, or one getter of it.
// CS="<conninfo>" SQL="<the FetchBenchmarks query>" dotnet run -c Release bench/diagnostics/reader-loop.cs -- reps none|int|str|dbl|dto|all
#:project ../../src/Sharpgres/Sharpgres.csproj
#:property PublishAot=false
using System.Diagnostics;
using Sharpgres.Data;
var cs = Environment.GetEnvironmentVariable("CS")!;
var sql = Environment.GetEnvironmentVariable("SQL")!;
var reps = args.Length > 0 ? int.Parse(args[0]) : 5; var mode = args.Length > 1 ? args[1] : "all";
using var src = SharpgresDataSource.Create(new SharpgresConnectionStringBuilder(cs + " sslmode=disable"));
using var conn = src.OpenConnection();
for (var r = 0; r < reps; r++)
{
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime; var sw = Stopwatch.StartNew();
    using var cmd = new SharpgresCommand(sql, conn);
    using var reader = cmd.ExecuteReader();
    long sum = 0, n = 0;
    switch (mode) {
    case "none": while (reader.Read()) n++; break;
    case "int": while (reader.Read()) { n++; sum += reader.GetInt32(0); } break;
    case "str": while (reader.Read()) { n++; sum += reader.GetString(1).Length; } break;
    case "dbl": while (reader.Read()) { n++; sum += (long)reader.GetDouble(2); } break;
    case "dto": while (reader.Read()) { n++; sum += reader.GetFieldValue<DateTimeOffset>(3).Second; } break;
    default: while (reader.Read()) { n++; sum += reader.GetInt32(0) + reader.GetString(1).Length + (long)reader.GetDouble(2) + reader.GetFieldValue<DateTimeOffset>(3).Second; } break; }
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
    Console.WriteLine($"{n} rows {n / sw.Elapsed.TotalSeconds / 1e6:F2} M rows/s, {cpu.TotalNanoseconds / n:F0} ns cpu/row");
}

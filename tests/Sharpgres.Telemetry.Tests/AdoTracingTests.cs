using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Sharpgres.Data;

namespace Sharpgres.Telemetry.Tests;

/// <summary>
/// ADO.NET's DbCommand and DbBatch: one Client span each, with the attributes of the psycopg face, from the send to
/// the end of the results (the reader's close), parented under the caller's activity.
/// </summary>
public sealed class AdoTracingTests : IClassFixture<TelemetryFixture>
{
    private readonly TelemetryFixture _f;
    private readonly string _ado;

    public AdoTracingTests(TelemetryFixture fixture)
    {
        _f = fixture;
        _ado = new SharpgresConnectionStringBuilder(_f.ConnString).ConnectionString;
        using (var conn = _f.Connect())
        {
            conn.Execute("CREATE TABLE IF NOT EXISTS ado_items (id int PRIMARY KEY, name text)");
            conn.Execute("TRUNCATE ado_items");
            conn.Execute("INSERT INTO ado_items SELECT g, 'item ' || g FROM generate_series(1, 5) g");
        }
        _f.Reset();
    }

    private SharpgresConnection Open()
    {
        var c = new SharpgresConnection(_ado);
        c.Open();
        return c;
    }

    private static object? Tag(Activity a, string name) => a.GetTagItem(name);

    [Fact]
    public void A_command_is_one_client_span_that_ends_with_its_reader()
    {
        var kinds = new List<PgOperationKind>();
        Pg.Telemetry.Filter = info => { kinds.Add(info.Kind); return true; };
        using (var c = Open())
        using (var cmd = new SharpgresCommand("SELECT id, name FROM ado_items WHERE id <= @max ORDER BY id", c))
        {
            cmd.Parameters.AddWithValue("max", 3);
            using (var reader = cmd.ExecuteReader())
            {
                Assert.True(reader.Read());
                Assert.Empty(_f.DbSpans());   // still reading: the span is open
                while (reader.Read()) { }
            }
        }
        var span = _f.Single("SELECT ado_items");
        Assert.Equal([PgOperationKind.Command], kinds);
        _f.AssertStatementSpan(span, "SELECT id, name FROM ado_items WHERE id <= $1 ORDER BY id", "SELECT", "ado_items", "SELECT ado_items");
        Assert.Equal(3L, Tag(span, "db.response.returned_rows"));
        Assert.Null(Tag(span, "db.operation.batch.size"));
    }

    [Fact]
    public async Task Async_commands_are_parented_under_the_callers_activity_and_measured()
    {
        using var app = new ActivitySource("Sharpgres.Telemetry.Tests.AdoApp");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == app,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using (var request = app.StartActivity("request")!)
        {
            await using var c = new SharpgresConnection(_ado);
            await c.OpenAsync();
            await using var cmd = new SharpgresCommand("UPDATE ado_items SET name = name WHERE id = $1", c) { Parameters = { new SharpgresParameter(null, 2) } };
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
            Assert.Equal(5L, await new SharpgresCommand("SELECT count(*) FROM ado_items", c).ExecuteScalarAsync());
            Assert.Same(request, Activity.Current);
            var update = _f.Single("UPDATE ado_items");
            Assert.Equal(request.SpanId, update.ParentSpanId);
            Assert.Null(Tag(update, "db.response.returned_rows"));   // an UPDATE returns no rows
            Assert.Equal(1L, Tag(_f.Single("SELECT ado_items"), "db.response.returned_rows"));
        }
        var durations = _f.Measurements.Where(m => m.Instrument == "db.client.operation.duration" && (string?)m.Tag("db.namespace") == _f.Database).ToList();
        Assert.Equal(["UPDATE", "SELECT"], durations.Select(m => (string?)m.Tag("db.operation.name")));
    }

    [Fact]
    public void A_failing_command_records_the_sqlstate_and_the_connection_goes_on()
    {
        using (var c = Open())
        {
            var e = Assert.ThrowsAny<DbException>(() => new SharpgresCommand("SELECT * FROM no_such_ado_table", c).ExecuteReader());
            Assert.Equal("42P01", e.SqlState);
            Assert.Equal(1, new SharpgresCommand("SELECT 1", c).ExecuteScalar());
        }
        var span = _f.DbSpans().First(s => (string?)Tag(s, "db.query.text") == "SELECT * FROM no_such_ado_table");
        Assert.Equal("42P01", Tag(span, "db.response.status_code"));
        Assert.Equal("42P01", Tag(span, "error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains("no_such_ado_table", span.StatusDescription);
    }

    [Fact]
    public void A_batch_is_one_span_with_its_batch_size()
    {
        var kinds = new List<PgOperationKind>();
        Pg.Telemetry.Filter = info => { kinds.Add(info.Kind); return true; };
        using (var c = Open())
        using (var batch = new SharpgresBatch(c))
        {
            for (var id = 101; id <= 103; id++)
            {
                var insert = new SharpgresBatchCommand("INSERT INTO ado_items VALUES (@id, @name)");
                insert.Parameters.AddWithValue("id", id);
                insert.Parameters.AddWithValue("name", "batch " + id);
                batch.BatchCommands.Add(insert);
            }
            Assert.Equal(3, batch.ExecuteNonQuery());
            new SharpgresCommand("DELETE FROM ado_items WHERE id > 100; SELECT count(*) FROM ado_items", c).ExecuteNonQuery();
        }
        Assert.Equal([PgOperationKind.Batch, PgOperationKind.Command], kinds);
        var spans = _f.DbSpans();
        Assert.Equal(2, spans.Count);
        Assert.Equal("BATCH INSERT ado_items", spans[0].DisplayName);
        Assert.Equal(3, Tag(spans[0], "db.operation.batch.size"));
        Assert.Equal("BATCH INSERT", Tag(spans[0], "db.operation.name"));
        Assert.Equal("ado_items", Tag(spans[0], "db.collection.name"));
        Assert.Equal(string.Join("; ", Enumerable.Repeat("INSERT INTO ado_items VALUES ($1, $2)", 3)), Tag(spans[0], "db.query.text"));
        Assert.Null(Tag(spans[0], "db.response.returned_rows"));
        // A command of two statements is a batch of two in the conventions' sense.
        Assert.Equal("BATCH", Tag(spans[1], "db.operation.name"));
        Assert.Equal(2, Tag(spans[1], "db.operation.batch.size"));
        Assert.Equal(1L, Tag(spans[1], "db.response.returned_rows"));
    }

    [Fact]
    public async Task A_failing_batch_records_the_sqlstate_of_the_failing_command()
    {
        await using (var c = new SharpgresConnection(_ado))
        {
            await c.OpenAsync();
            var batch = new SharpgresBatch(c)
            {
                BatchCommands =
                {
                    new SharpgresBatchCommand("INSERT INTO ado_items VALUES (201, 'a')"),
                    new SharpgresBatchCommand("INSERT INTO ado_items VALUES (1, 'duplicate')"),
                },
            };
            var e = await Assert.ThrowsAnyAsync<DbException>(() => batch.ExecuteNonQueryAsync());
            Assert.Equal("23505", e.SqlState);
        }
        var span = _f.Single("BATCH INSERT ado_items");
        Assert.Equal(2, Tag(span, "db.operation.batch.size"));
        Assert.Equal("23505", Tag(span, "db.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public void Parameter_values_only_when_opted_in_and_the_command_logs_at_debug()
    {
        Pg.Telemetry.RecordParameterValues = true;
        using (var c = Open())
        using (var cmd = new SharpgresCommand("SELECT name FROM ado_items WHERE id = @id AND name <> @not", c))
        {
            cmd.Parameters.AddWithValue("id", 4);
            cmd.Parameters.AddWithValue("not", "opted in");
            Assert.Equal("item 4", cmd.ExecuteScalar());
        }
        var span = _f.Single("SELECT ado_items");
        Assert.Equal("4", Tag(span, "db.query.parameter.0"));
        Assert.Equal("opted in", Tag(span, "db.query.parameter.1"));
        var line = _f.Logs.Entries.Single(e => e.Category == "Sharpgres.Command" && e.Message.Contains("ado_items WHERE id = $1"));
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.Equal(2001, line.EventId.Id);
        Assert.StartsWith("Command executed", line.Message);
        Assert.Contains("1 rows", line.Message);
        Assert.Contains("'opted in'", line.Message);
    }

    [Fact]
    public async Task A_data_source_built_with_its_own_telemetry_options_uses_them_for_its_connections_only()
    {
        var builder = new SharpgresDataSourceBuilder(_ado)
            .ConfigureTelemetry(o => o.SpanNameProvider = info => "app " + info.OperationName)
            .ConfigureTelemetry(o =>
            {
                o.RecordParameterValues = true;
                o.Enrich = (activity, info) => activity.SetTag("app.kind", info.Kind.ToString());
            });
        await using (var source = builder.Build())
        await using (var c = await source.OpenConnectionAsync())
        {
            var cmd = new SharpgresCommand("SELECT name FROM ado_items WHERE id = @id", c) { Parameters = { new SharpgresParameter("id", 2) } };
            Assert.Equal("item 2", await cmd.ExecuteScalarAsync());
            c.AsSharpgres().Execute("SELECT 1 FROM ado_items WHERE id = %s", 3);   // the psycopg face of the same connection
        }
        using (var plain = Open())   // not from the data source: Pg.Telemetry's defaults
        using (var cmd = new SharpgresCommand("SELECT name FROM ado_items WHERE id = @id", plain) { Parameters = { new SharpgresParameter("id", 2) } })
            cmd.ExecuteScalar();
        var spans = _f.DbSpans();
        Assert.Equal(["app SELECT", "app SELECT", "SELECT ado_items"], spans.Select(s => s.DisplayName));
        Assert.Equal("2", Tag(spans[0], "db.query.parameter.0"));
        Assert.Equal("Command", Tag(spans[0], "app.kind"));
        Assert.Equal("Execute", Tag(spans[1], "app.kind"));
        Assert.Null(Tag(spans[2], "db.query.parameter.0"));
        Assert.Null(Tag(spans[2], "app.kind"));
    }
}

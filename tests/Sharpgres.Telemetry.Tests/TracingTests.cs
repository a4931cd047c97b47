using System.Diagnostics;

namespace Sharpgres.Telemetry.Tests;

/// <summary>One Client span per operation, with OpenTelemetry's database attributes and span names.</summary>
public sealed class TracingTests : IClassFixture<TelemetryFixture>
{
    private readonly TelemetryFixture _f;

    public TracingTests(TelemetryFixture fixture)
    {
        _f = fixture;
        using (var conn = _f.Connect())
        {
            conn.Execute("CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, name text)");
            conn.Execute("TRUNCATE items");
            conn.Execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5) g");
            conn.Execute("CREATE OR REPLACE PROCEDURE bump(n int) LANGUAGE sql AS 'SELECT n'");
        }
        _f.Reset();
    }

    private static object? Tag(Activity a, string name) => a.GetTagItem(name);

    [Fact]
    public void Execute_is_a_client_span_with_the_stable_attributes()
    {
        using (var conn = _f.Connect())
            conn.Execute("SELECT id, name FROM items WHERE id <= %s", 3).FetchAll();
        var span = _f.Single("SELECT items");
        _f.AssertStatementSpan(span, "SELECT id, name FROM items WHERE id <= $1", "SELECT", "items", "SELECT items");
        Assert.Equal(3L, Tag(span, "db.response.returned_rows"));
    }


    [Fact]
    public void A_repeated_statement_keeps_each_connections_attributes_and_the_current_span_name_provider()
    {
        // A statement's span start (name, attributes) is built once per text and connection, then reused: two
        // connections to different databases running the same text must each keep their own db.namespace, and a
        // span-name provider set later must still be asked.
        const string sql = "SELECT 1 + %s";
        using (var conn = _f.Connect())
        using (var admin = Pg.Connect(TelemetryFixture.Admin, autocommit: true))
        {
            for (var i = 0; i < 2; i++) { conn.Execute(sql, i); admin.Execute(sql, i); }
            Pg.Telemetry.SpanNameProvider = op => op.QueryText == "SELECT 1 + $1" ? "named later" : null;
            conn.Execute(sql, 9);
        }
        List<Activity> spans;
        lock (_f.Spans) spans = _f.Spans.Where(s => (s.GetTagItem("db.query.text") as string) == "SELECT 1 + $1").ToList();
        Assert.Equal([_f.Database, "postgres", _f.Database, "postgres", _f.Database], spans.Select(s => Tag(s, "db.namespace")));
        Assert.Equal(["SELECT", "SELECT", "SELECT", "SELECT", "named later"], spans.Select(s => s.DisplayName));
        Assert.All(spans, s => Assert.Equal("SELECT", Tag(s, "db.operation.name")));
        Assert.All(spans, s => Assert.Equal(1L, Tag(s, "db.response.returned_rows")));
    }
    [Fact]
    public async Task Async_execute_is_parented_under_the_callers_activity()
    {
        using var parent = new ActivitySource("Sharpgres.Telemetry.Tests.App");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Sharpgres.Telemetry.Tests.App",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        string traceId;
        using (var request = parent.StartActivity("request")!)
        {
            traceId = request.TraceId.ToString();
            await using var conn = await Pg.ConnectAsync(_f.ConnString, autocommit: true);
            await conn.ExecuteAsync("UPDATE items SET name = name WHERE id = %s", [1]);
            Assert.Same(request, Activity.Current);   // the database span ended and gave the ambient activity back
        }
        var span = _f.Single("UPDATE items");
        Assert.Equal(traceId, span.TraceId.ToString());
        Assert.Equal("UPDATE", Tag(span, "db.operation.name"));
        Assert.Null(Tag(span, "db.response.returned_rows"));   // an UPDATE returns no rows
    }

    [Fact]
    public void A_server_error_sets_the_sqlstate_error_type_and_status()
    {
        using (var conn = _f.Connect())
        {
            var e = Assert.Throws<Errors.UniqueViolation>(() => conn.Execute("INSERT INTO items (id, name) VALUES (%s, %s)", 1, "dup"));
            Assert.Equal("23505", e.SqlState);
            Assert.Throws<Errors.UndefinedTable>(() => conn.Execute("SELECT * FROM no_such_table"));
        }
        var insert = _f.Single("INSERT items");
        Assert.Equal("23505", Tag(insert, "db.response.status_code"));
        Assert.Equal("23505", Tag(insert, "error.type"));
        Assert.Equal(ActivityStatusCode.Error, insert.Status);
        Assert.Contains("duplicate key", insert.StatusDescription);
        var select = _f.Single("SELECT no_such_table");
        Assert.Equal("42P01", Tag(select, "db.response.status_code"));
    }

    [Fact]
    public void ExecuteMany_is_one_span_with_the_batch_size()
    {
        using (var conn = _f.Connect())
            conn.Cursor().ExecuteMany("INSERT INTO items (id, name) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
                new[] { new object?[] { 101, "a" }, [102, "b"], [103, "c"] });
        var span = _f.Single("INSERT items");
        Assert.Equal(3, Tag(span, "db.operation.batch.size"));
        Assert.Equal("INSERT", Tag(span, "db.operation.name"));
        Assert.Equal("INSERT INTO items (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", Tag(span, "db.query.text"));
        Assert.Single(_f.DbSpans());
    }

    [Fact]
    public void Pipeline_sync_is_one_batch_span_and_queued_statements_have_none_of_their_own()
    {
        using (var conn = _f.Connect())
        using (var p = conn.Pipeline())
        {
            conn.Execute("INSERT INTO items VALUES (%s, %s) ON CONFLICT DO NOTHING", 201, "x");
            conn.Execute("INSERT INTO items VALUES (%s, %s) ON CONFLICT DO NOTHING", 202, "y");
            conn.Execute("INSERT INTO items VALUES (%s, %s) ON CONFLICT DO NOTHING", 203, "z");
            p.Sync();
            conn.Execute("SELECT 1");
            conn.Execute("DELETE FROM items WHERE id > %s", 200);
        }
        var spans = _f.DbSpans();
        Assert.Equal(2, spans.Count);
        Assert.Equal("BATCH INSERT items", spans[0].DisplayName);
        Assert.Equal(3, Tag(spans[0], "db.operation.batch.size"));
        Assert.Equal("BATCH INSERT", Tag(spans[0], "db.operation.name"));
        Assert.Equal("items", Tag(spans[0], "db.collection.name"));
        Assert.Equal(string.Join("; ", Enumerable.Repeat("INSERT INTO items VALUES ($1, $2) ON CONFLICT DO NOTHING", 3)), Tag(spans[0], "db.query.text"));
        Assert.Equal("BATCH", Tag(spans[1], "db.operation.name"));   // SELECT and DELETE
        Assert.Equal(2, Tag(spans[1], "db.operation.batch.size"));
    }

    [Fact]
    public async Task Stream_span_covers_the_whole_stream_and_counts_its_rows()
    {
        await using (var conn = await Pg.ConnectAsync(_f.ConnString, autocommit: true))
        {
            var n = 0;
            await foreach (var _ in conn.Cursor().StreamAsync("SELECT g FROM generate_series(1, %s) g", [50])) n++;
            Assert.Equal(50, n);
            Assert.Null(Activity.Current);   // the stream's span never became ambient in the caller's code
            foreach (var _ in conn.Cursor().Stream("SELECT id FROM items ORDER BY id")) break;   // left early
        }
        var spans = _f.DbSpans();
        Assert.Equal(2, spans.Count);
        Assert.Equal("SELECT", spans[0].DisplayName);
        Assert.Equal("SELECT g FROM generate_series(1, $1) g", Tag(spans[0], "db.query.text"));
        Assert.Equal(50L, Tag(spans[0], "db.response.returned_rows"));
        Assert.Equal("SELECT items", spans[1].DisplayName);
        Assert.Equal(1L, Tag(spans[1], "db.response.returned_rows"));
    }

    [Fact]
    public void Copy_span_runs_to_the_end_of_the_copy_and_records_a_rejected_copy()
    {
        using (var conn = _f.Connect())
        {
            var cur = conn.Cursor();
            cur.Copy("COPY items (id, name) FROM STDIN", copy => { copy.WriteRow([301, "c1"]); copy.WriteRow([302, "c2"]); });
            Assert.Equal(2, cur.RowCount);
            Assert.Throws<Errors.InvalidTextRepresentation>(() =>
                cur.Copy("COPY items (id, name) FROM STDIN", copy => copy.Write("not a number\tx\n")));
        }
        var spans = _f.DbSpans();
        Assert.Equal(2, spans.Count);
        Assert.All(spans, s => Assert.Equal("COPY items", s.DisplayName));
        Assert.Equal("COPY", Tag(spans[0], "db.operation.name"));
        Assert.Equal("items", Tag(spans[0], "db.collection.name"));
        Assert.Equal(ActivityStatusCode.Unset, spans[0].Status);
        Assert.Equal("22P02", Tag(spans[1], "db.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, spans[1].Status);
    }

    [Fact]
    public void Server_cursor_declare_and_fetches_are_spans()
    {
        using (var conn = _f.Connect(autocommit: false))
        {
            using var cur = conn.Cursor("c1");
            cur.Execute("SELECT id FROM items WHERE id <= %s ORDER BY id", 5);
            Assert.Equal(2, cur.FetchMany(2).Count);
            Assert.Equal(3, cur.FetchAll().Count);
            conn.Rollback();
        }
        var spans = _f.DbSpans();
        var declare = spans.Single(s => (string?)Tag(s, "db.operation.name") == "DECLARE");
        Assert.Equal("DECLARE SELECT items", declare.DisplayName);
        Assert.Equal("items", Tag(declare, "db.collection.name"));
        var fetches = spans.Where(s => s.DisplayName == "FETCH").ToList();
        Assert.Equal(2, fetches.Count);
        Assert.Equal(2L, Tag(fetches[0], "db.response.returned_rows"));
        Assert.Equal(3L, Tag(fetches[1], "db.response.returned_rows"));
        Assert.Single(spans, s => s.DisplayName == "ROLLBACK");
    }

    [Fact]
    public void Commit_and_rollback_are_spans_also_at_the_end_of_transaction_blocks()
    {
        using (var conn = _f.Connect(autocommit: false))
        {
            conn.Execute("UPDATE items SET name = name WHERE id = 1");
            conn.Commit();
            conn.Execute("UPDATE items SET name = name WHERE id = 2");
            conn.Rollback();
            conn.Autocommit = true;
            using (var tx = conn.Transaction()) { conn.Execute("SELECT 1"); tx.Commit(); }
        }
        var names = _f.DbSpans().Select(s => s.DisplayName).ToList();
        Assert.Equal(["UPDATE items", "COMMIT", "UPDATE items", "ROLLBACK", "SELECT", "COMMIT"], names);
        Assert.Equal("COMMIT", Tag(_f.DbSpans()[1], "db.operation.name"));
    }

    [Fact]
    public void Call_names_the_stored_procedure()
    {
        using (var conn = _f.Connect())
            conn.Execute("CALL bump(%s)", 1);
        var span = _f.Single("CALL bump");
        Assert.Equal("bump", Tag(span, "db.stored_procedure.name"));
        Assert.Equal("CALL", Tag(span, "db.operation.name"));
        Assert.Null(Tag(span, "db.collection.name"));
    }

    [Fact]
    public void Connect_spans_are_opt_in_and_a_failed_login_is_an_error_span()
    {
        using (_f.Connect()) { }
        Assert.Empty(_f.DbSpans());
        Pg.Telemetry.TraceConnect = true;
        using (_f.Connect()) { }
        var span = _f.Single($"CONNECT {_f.Database}");
        Assert.Equal("CONNECT", Tag(span, "db.operation.name"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        var wrong = ConnectionInfo.Parse(_f.ConnString).With("password", "wrong-password-xyz").ToConnectionString(includePassword: true);
        var e = Assert.ThrowsAny<Error>(() => Pg.Connect(wrong));
        Assert.DoesNotContain("wrong-password-xyz", e.ToString());
        var failed = _f.DbSpans().Last();
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal("28P01", Tag(failed, "error.type"));
    }

    [Fact]
    public void Filter_enrich_span_name_and_parameter_values_are_options()
    {
        Pg.Telemetry.Filter = op => op.CollectionName != "secret_table";
        Pg.Telemetry.Enrich = (activity, op) => activity.SetTag("app.kind", op.Kind.ToString());
        Pg.Telemetry.SpanNameProvider = op => op.OperationName == "DELETE" ? "custom delete" : null;
        Pg.Telemetry.RecordParameterValues = true;
        using (var conn = _f.Connect())
        {
            conn.Execute("CREATE TEMP TABLE secret_table (a int)");
            conn.Execute("SELECT a FROM secret_table");
            conn.Execute("SELECT name FROM items WHERE id = %s AND name <> %s", 1, "zz");
            conn.Execute("DELETE FROM items WHERE id = %s", -1);
        }
        var spans = _f.DbSpans();
        Assert.DoesNotContain(spans, s => s.DisplayName == "SELECT secret_table");
        var select = _f.Single("SELECT items");
        Assert.Equal("Execute", Tag(select, "app.kind"));
        Assert.Equal("1", Tag(select, "db.query.parameter.0"));
        Assert.Equal("zz", Tag(select, "db.query.parameter.1"));
        Assert.Equal("-1", Tag(_f.Single("custom delete"), "db.query.parameter.0"));
    }

    [Fact]
    public void A_throwing_callback_never_breaks_the_operation()
    {
        Pg.Telemetry.Enrich = (_, _) => throw new InvalidOperationException("enrich failed");
        Pg.Telemetry.SpanNameProvider = _ => throw new InvalidOperationException("name failed");
        using (var conn = _f.Connect())
            Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()![0]);
        Assert.Single(_f.DbSpans(), s => s.DisplayName == "SELECT");
        Assert.Contains(_f.Logs.Entries, e => e.EventId.Id == 1010 && e.Exception is InvalidOperationException);
    }
}

using System.Data.Common;

namespace Sharpgres.Data.Tests;

/// <summary>DbBatch: one round trip, RecordsAffected per command, errors naming the failing command.</summary>
public sealed class BatchTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    [Fact]
    public void A_batch_runs_its_commands_with_a_result_each_and_counts_per_command()
    {
        using var c = db.Open();
        new SharpgresCommand("CREATE TEMP TABLE b (id int)", c).ExecuteNonQuery();
        using var batch = c.CreateBatch();
        var insert = new SharpgresBatchCommand("INSERT INTO b VALUES (@a), (@b)");
        insert.Parameters.AddWithValue("a", 1);
        insert.Parameters.AddWithValue("b", 2);
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(new SharpgresBatchCommand("UPDATE b SET id = id * 10 WHERE id = $1") { Parameters = { new SharpgresParameter(null, 2) } });
        batch.BatchCommands.Add(new SharpgresBatchCommand("SELECT id FROM b ORDER BY id"));
        using (var r = batch.ExecuteReader())
        {
            Assert.True(r.Read());
            Assert.Equal(1, r.GetInt32(0));
            Assert.True(r.Read());
            Assert.Equal(20, r.GetInt32(0));
        }
        Assert.Equal(2, insert.RecordsAffected);
        Assert.Equal(1, batch.BatchCommands[1].RecordsAffected);
        Assert.Equal(-1, batch.BatchCommands[2].RecordsAffected);
        var b2 = new SharpgresBatch(c) { BatchCommands = { new SharpgresBatchCommand("DELETE FROM b"), new SharpgresBatchCommand("INSERT INTO b VALUES (5)") } };
        Assert.Equal(3, b2.ExecuteNonQuery());
    }

    [Fact]
    public async Task An_error_names_the_failing_command_and_the_batch_is_atomic()
    {
        await using var c = await db.OpenAsync();
        new SharpgresCommand("CREATE TEMP TABLE b2 (id int)", c).ExecuteNonQuery();
        var batch = new SharpgresBatch(c);
        batch.BatchCommands.Add(new SharpgresBatchCommand("INSERT INTO b2 VALUES (1)"));
        var failing = new SharpgresBatchCommand("INSERT INTO b2 VALUES (1/0)");
        batch.BatchCommands.Add(failing);
        batch.BatchCommands.Add(new SharpgresBatchCommand("INSERT INTO b2 VALUES (3)"));
        var e = await Assert.ThrowsAnyAsync<DbException>(() => batch.ExecuteNonQueryAsync());
        Assert.Equal("22012", e.SqlState);
        Assert.Same(failing, e.BatchCommand);
        Assert.Contains("batch command 1", e.Message);
        Assert.Equal(0L, new SharpgresCommand("SELECT count(*) FROM b2", c).ExecuteScalar());
    }
}

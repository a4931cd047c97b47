using System.Runtime.CompilerServices;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Results;
using Sharpgres.Types;

namespace Sharpgres.Protocol;

/// <summary>
/// Reads the answers of one round trip into buffered results, up to the expected number of ReadyForQuery.
/// A server error is kept and raised only after the exchange is over, so the session never stays mid-protocol.
/// </summary>
internal static class ResultReader
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<Error?> ReadAsync(Session session, List<ResultSet> results, int readyCount, ReadContext context,
        bool async, CancellationToken ct, RowDescription? known = null, bool simpleQuery = false, StatementCache.Entry? statement = null)
    {
        Error? error = null;
        var assembler = new ResultAssembler(context, known) { Statement = statement };
        while (true)
        {
            var code = await session.ReadMessageAsync(async, ct).ConfigureAwait(false);
            if (assembler.Accept(session, code, out var completed))
            {
                if (completed is not null) results.Add(completed);
                continue;
            }
            switch (code)
            {
                case BackendMessageCode.ErrorResponse:
                    error ??= Error.FromDiagnostics(ErrorResponse.Parse(session.Reader.Payload));
                    assembler.Reset();
                    break;
                case BackendMessageCode.CopyInResponse:
                    // COPY belongs to cur.Copy() (callers refuse it before sending; this is for a COPY the text hid from
                    // that check): refuse the data so the server ends the statement. In copy-in mode the server ignores
                    // the Sync sent with an extended-protocol statement and, after CopyFail, skips to the next Sync:
                    // send one more, or its ReadyForQuery never comes.
                    session.Writer.WriteCopyFail("COPY FROM STDIN is not supported by Execute: use Cursor.Copy()");
                    if (!simpleQuery) session.Writer.WriteSync();
                    await session.FlushAsync(async, ct).ConfigureAwait(false);
                    error ??= Queries.StatementGuard.CopyRefused("Execute");
                    break;
                case BackendMessageCode.CopyOutResponse:
                    error ??= Queries.StatementGuard.CopyRefused("Execute");
                    break;
                case BackendMessageCode.CopyData or BackendMessageCode.CopyDone:
                    break;
                case BackendMessageCode.ReadyForQuery:
                    session.OnReadyForQuery();
                    if (--readyCount == 0) return error;
                    break;
                default:
                    throw session.Unexpected(code, "query results");
            }
        }
    }

    /// <summary>
    /// Reads the answers of <paramref name="count"/> statements sent ahead without a Sync (ended by Flush), summing
    /// their row counts. Stops at the first ErrorResponse: the server then skips everything up to the next Sync, so
    /// the caller must send one (if not sent yet) and read up to its ReadyForQuery.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<CountedResults> ReadCountedAsync(Session session, int count, ReadContext context, bool async, CancellationToken ct)
    {
        var assembler = new ResultAssembler(context, null);
        var done = 0;
        long rows = 0;
        while (done < count)
        {
            var code = await session.ReadMessageAsync(async, ct).ConfigureAwait(false);
            if (code == BackendMessageCode.CommandComplete && !assembler.InResult)
            {
                // A statement without rows and without Describe (ExecuteMany's overlapped chunks): only its count
                // is wanted, so no ResultSet is made for each of the thousands of sets.
                done++;
                rows += Math.Max(0, CommandComplete.RowCountOf(session.CommandTag()));
                continue;
            }
            if (assembler.Accept(session, code, out var completed))
            {
                if (completed is null) continue;
                done++;
                rows += Math.Max(0, completed.RowCount);
                continue;
            }
            if (code != BackendMessageCode.ErrorResponse) throw session.Unexpected(code, "statement results");
            return new CountedResults(done, rows, Error.FromDiagnostics(ErrorResponse.Parse(session.Reader.Payload)));
        }
        return new CountedResults(done, rows, null);
    }

    /// <summary>
    /// Reads an exchange that describes rather than fetches (Parse/Describe, DECLARE): up to the expected number of
    /// ReadyForQuery, keeping the row description, the last command tag and the first error.
    /// </summary>
    public static async ValueTask<DescribedExchange> ReadDescriptionAsync(Session session, int readyCount, bool async, CancellationToken ct)
    {
        RowDescription? description = null;
        string? tag = null;
        Error? error = null;
        while (true)
        {
            var code = await session.ReadMessageAsync(async, ct).ConfigureAwait(false);
            switch (code)
            {
                case BackendMessageCode.RowDescription:
                    description = RowDescription.Parse(session.Reader.Payload);
                    break;
                case BackendMessageCode.CommandComplete:
                    tag = CommandComplete.ParseTag(session.Reader.Payload);
                    break;
                case BackendMessageCode.ErrorResponse:
                    error ??= Error.FromDiagnostics(ErrorResponse.Parse(session.Reader.Payload));
                    break;
                case BackendMessageCode.ReadyForQuery:
                    session.OnReadyForQuery();
                    if (--readyCount == 0) return new DescribedExchange(description, tag, error);
                    break;
                case BackendMessageCode.ParseComplete or BackendMessageCode.BindComplete or BackendMessageCode.ParameterDescription
                    or BackendMessageCode.NoData or BackendMessageCode.CloseComplete:
                    break;
                default:
                    throw session.Unexpected(code, "a statement description");
            }
        }
    }
}

/// <summary>What a describing exchange learnt: the last RowDescription, the last command tag, the first error.</summary>
internal readonly record struct DescribedExchange(RowDescription? Description, string? LastTag, Error? Error);

/// <summary>How many statements completed, their total row count, and the error that stopped them.</summary>
internal readonly record struct CountedResults(int Completed, long Rows, Error? Error);

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
        bool async, CancellationToken ct, RowDescription? known = null)
    {
        Error? error = null;
        var assembler = new ResultAssembler(context, known);
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
                    // COPY belongs to cur.Copy(): refuse the data so the server ends the statement cleanly.
                    session.Writer.WriteCopyFail("COPY FROM STDIN is not supported by Execute: use Cursor.Copy()");
                    await session.FlushAsync(async, ct).ConfigureAwait(false);
                    error ??= new ProgrammingError("COPY cannot be run with Execute: use cur.Copy(\"COPY ...\") instead");
                    break;
                case BackendMessageCode.CopyOutResponse:
                    error ??= new ProgrammingError("COPY cannot be run with Execute: use cur.Copy(\"COPY ...\") instead");
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
}

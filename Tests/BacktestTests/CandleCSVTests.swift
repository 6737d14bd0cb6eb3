import Backtest
import Testing

struct CandleCSVTests {
    let header = "timestamp_ms,open,high,low,close,volume\n"

    @Test func readsTheExchangeFormatWithAHeader() throws {
        let text = header + "1700000000000,1,2,0.5,1.5,10\n1700003600000,1.5,2,1,1.8,12\n"
        let candles = try CandleCSV.parse(text, file: "WETH.csv")
        #expect(candles.count == 2)
        #expect(candles[1].time == 1_700_003_600)
        #expect(candles[1].close == 1.8)
    }

    @Test func readsBinanceKlinesWithoutAHeaderAndMicroseconds() throws {
        let text = "1735689600000000,93576.00,93600.00,93500.00,93550.00,12.5,1735693199999999,1169375.0,1000,6.1,570000.0,0\n"
            + "1735693200000000,93550.00,93700.00,93400.00,93650.00,10.0,1735696799999999,936500.0,900,5.0,468000.0,0\n"
        let candles = try CandleCSV.parse(text, file: "WBTC.csv")
        #expect(candles.map(\.time) == [1_735_689_600, 1_735_693_200])
        #expect(candles[0].close == 93550)
    }

    @Test func writesWhatItReads() throws {
        let set = SyntheticCandles(seed: 3, tokens: SyntheticCandles.defaultTokens, start: 1_700_000_000, interval: 3600, count: 50)
            .generate().candles
        let weth = try #require(set.series["WETH"])
        #expect(try CandleCSV.parse(CandleCSV.render(weth), file: "WETH.csv") == weth)
    }

    @Test(arguments: [
        ("1700000000000,1,2,0.5\n", "WETH.csv: row 2: 4 column(s), need timestamp_ms,open,high,low,close,volume"),
        ("1700000000000,1,2,0.5,x,1\n", "WETH.csv: row 2: close is not a number: \"x\""),
        ("1700000000000,1,2,0.5,0,1\n", "WETH.csv: row 2: close must be a positive price, got 0.0"),
        ("1700000000000,1,2,0.5,-3,1\n", "WETH.csv: row 2: close must be a positive price, got -3.0"),
        ("1700003600000,1,2,0.5,1,1\n1700000000000,1,2,0.5,1,1\n",
         "WETH.csv: row 3: timestamp 1700000000000 is before the previous row's 1700003600000 (rows must be sorted by time)"),
        ("1700000000000,1,2,0.5,1,1\n1700000000000,1,2,0.5,1,1\n", "WETH.csv: row 3: timestamp 1700000000000 appears twice"),
        ("1700000000000,1,2,0.5,1,1\n1700003600000,1,2,0.5,1,1\n1700010800000,1,2,0.5,1,1\n",
         "WETH.csv: row 4: gap in the candles: expected timestamp 1700007200000, found 1700010800000"),
        ("", "WETH.csv: no candles"),
    ])
    func refusesBadFilesNamingFileAndRow(body: String, message: String) {
        let text = body.isEmpty ? "" : header + body
        #expect(throws: CandleError.self) { try CandleCSV.parse(text, file: "WETH.csv") }
        do { _ = try CandleCSV.parse(text, file: "WETH.csv") } catch { #expect(error.description == message) }
    }
}

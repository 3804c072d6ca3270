// What Word and WPS put on the clipboard, turned into the HTML the editor's schema reads.
//
// Word and WPS do not write lists as <ol>/<ul>: each item is a paragraph whose style says
// `mso-list:l0 level2 lfo1` (list l0, nesting level 2), with the number or bullet drawn inside
// <span style="mso-list:Ignore"> between <![if !supportLists]> comments. Header rows are marked
// in the row's style (`mso-yfti-irow:-1`, `mso-yfti-lastfirstrow:yes`) or, by WPS, only by bold
// text; column widths sit on the cells (`width=142`, style `width:106.5pt`); captions are
// paragraphs of the style "Caption" / 题注 (class MsoCaption, or a numbered class in WPS).
//
// cleanPastedHtml() rewrites that, before ProseMirror parses the paste:
// - consecutive list paragraphs become nested <ol>/<ul> (<li><p>…</p></li>); whether a list
//   is numbered comes from the document's own list definitions (@list l0:level1 in its
//   <style>) or, when they are missing, from the marker text (1. a) iv. 一、 （一） ① are
//   numbered; · o § l ● are bullets); the marker itself is removed, the start number kept;
// - the header rows of a table become <th> cells (rows in <thead>, rows Word marks as
//   repeated header rows, or a first row whose text is all bold);
// - column widths become the editor's `colwidth` when every column has one;
// - caption paragraphs (and <caption> elements) become <p class="caption">.
// Anything that is not from an office program passes unchanged but for <caption>.
// The server sanitizes whatever is saved (plans/richtext.py): this file only keeps structure.

const MAX_TABLE_WIDTH = 640 // px, about the width of the editor's column and of A4 text
const PERCENT_BASE = 600 // px a "100%" wide table is taken to be
const MIN_COLUMN_WIDTH = 30

const OFFICE_MARKERS = /mso-|class=["']?Mso|urn:schemas-microsoft-com:office|KSOProductBuildVer/i
const MSO_LIST = /mso-list:\s*(l\d+)\s+level(\d+)/i
const MSO_IGNORE = /mso-list:\s*ignore/i
const SYMBOL_FONT = /wingdings|symbol|webdings/i
const CJK_DIGITS = "〇一二三四五六七八九"
const STYLE_BLOCK = /<style[^>]*>([\s\S]*?)<\/style>/gi

export function isOfficeHtml(html) {
  return OFFICE_MARKERS.test(html)
}

export function cleanPastedHtml(html) {
  if (!html || !/<caption|mso-|Mso|<table/i.test(html)) return html
  // Word's <style> blocks are read as text and left out of the parsed document: the page's
  // Content-Security-Policy refuses inline style sheets, in a parsed document too
  const css = Array.from(html.matchAll(STYLE_BLOCK), (match) => match[1]).join("\n")
  const doc = new DOMParser().parseFromString(html.replace(STYLE_BLOCK, ""), "text/html")
  const office = isOfficeHtml(html)
  if (office) {
    const styles = readStyles(css)
    convertLists(doc, styles)
    markCaptions(doc, styles)
  }
  for (const table of doc.body.querySelectorAll("table")) {
    moveCaptionOut(doc, table)
    markHeaderRows(doc, table, office)
    if (office) setColumnWidths(table)
  }
  return doc.body.innerHTML
}

// --- the document's <style>: list definitions and caption styles ---------------------------

function readStyles(css) {
  const lists = new Map()
  for (const [, id, level, body] of css.matchAll(/@list\s+(l\d+):level(\d+)\s*\{([^}]*)\}/gi)) {
    const format = /mso-level-number-format:\s*([\w-]+)/i.exec(body)
    // Word leaves the format out when it is the default, decimal
    lists.set(`${id.toLowerCase()}:${level}`, format ? format[1].toLowerCase() : "decimal")
  }
  const captionClasses = new Set(["msocaption"])
  for (const [, selectors, body] of css.matchAll(/([^{}@]+)\{([^}]*)\}/g)) {
    const name = /mso-style-name:\s*["']?([^;"']+)/i.exec(body)
    if (name && /^\s*(caption|题注)\s*$/i.test(name[1])) {
      for (const [, cls] of selectors.matchAll(/\.([\w-]+)/g)) captionClasses.add(cls.toLowerCase())
    }
  }
  return { lists, captionClasses }
}

// --- lists -------------------------------------------------------------------------------------

function listParagraph(el) {
  const match = MSO_LIST.exec(el.getAttribute("style") || "")
  if (!match) return null
  const marker =
    Array.from(el.querySelectorAll("span[style]")).find((span) =>
      MSO_IGNORE.test(span.getAttribute("style")),
    ) || null
  return { el, id: match[1].toLowerCase(), level: Number(match[2]), marker }
}

function convertLists(doc, styles) {
  const items = Array.from(doc.body.querySelectorAll("p, h1, h2, h3, h4, h5, h6"))
    .map(listParagraph)
    .filter(Boolean)
  const runs = []
  for (const item of items) {
    if (/^h\d$/i.test(item.el.tagName)) {
      // a numbered heading stays a heading; its number stays as text
      keepMarkerAsText(doc, item)
      continue
    }
    const run = runs.at(-1)
    if (run && run.at(-1).el === item.el.previousElementSibling) run.push(item)
    else runs.push([item])
  }
  for (const run of runs) buildList(doc, run, styles)
}

function markerText(item) {
  return item.marker ? item.marker.textContent.replace(/[\s\u00a0]+/g, "") : ""
}

function symbolFont(item) {
  for (let node = item.marker; node && node !== item.el; node = node.parentElement) {
    if (SYMBOL_FONT.test(node.getAttribute("style") || "")) return true
    if (node.tagName === "FONT" && SYMBOL_FONT.test(node.getAttribute("face") || "")) return true
  }
  return false
}

// The outermost element around the marker that holds nothing else.
function markerWrapper(item) {
  let node = item.marker
  const text = node.textContent.trim()
  while (node.parentElement && node.parentElement !== item.el) {
    if (node.parentElement.textContent.trim() !== text) break
    node = node.parentElement
  }
  return node
}

function removeMarker(item) {
  if (item.marker) markerWrapper(item).remove()
}

function keepMarkerAsText(doc, item) {
  if (!item.marker) return
  const text = markerText(item)
  markerWrapper(item).replaceWith(doc.createTextNode(text ? `${text} ` : ""))
}

const OL_TYPES = [
  [/roman.*upper|upper.*roman/, "upper-roman"],
  [/roman/, "lower-roman"],
  [/(alpha|letter).*upper|upper.*(alpha|letter)/, "upper-alpha"],
  [/alpha|letter/, "lower-alpha"],
]

function kindOf(item, styles) {
  const format = styles.lists.get(`${item.id}:${item.level}`)
  const marker = markerText(item)
  if (format !== undefined) {
    if (/^(bullet|image|none)$/.test(format)) return { ordered: false }
    const type = OL_TYPES.find(([pattern]) => pattern.test(format))
    return { ordered: true, type: type ? type[1] : "decimal", start: markerNumber(marker) }
  }
  if (!marker || symbolFont(item)) return { ordered: false }
  if (/[0-9０-９\u2460-\u24ff〇一二三四五六七八九十百]/.test(marker)) {
    return { ordered: true, type: "decimal", start: markerNumber(marker) }
  }
  const letters = /^[(（]?([a-z]{1,4})[.)．、）]$/i.exec(marker)
  if (letters) {
    const roman = /^[ivxlcdm]+$/i.test(letters[1]) && (letters[1].length > 1 || /[ivx]/i.test(letters[1]))
    const upper = letters[1] === letters[1].toUpperCase()
    const type = `${upper ? "upper" : "lower"}-${roman ? "roman" : "alpha"}`
    return { ordered: true, type, start: markerNumber(marker, roman) }
  }
  return { ordered: false }
}

// The number a marker shows: "3." → 3, "(2)" → 2, "1.4." → 4, "c)" → 3, "iv." → 4, "十二、" → 12,
// "⑤" → 5. Null when it cannot be read.
function markerNumber(marker, roman = false) {
  const digits = marker.replace(/[０-９]/g, (d) => String(d.charCodeAt(0) - 0xff10)).match(/\d+/g)
  if (digits) return Number(digits.at(-1))
  const circled = /[\u2460-\u2473]/.exec(marker)
  if (circled) return circled[0].charCodeAt(0) - 0x2460 + 1
  const cjk = /[〇一二三四五六七八九十百]+/.exec(marker)
  if (cjk) return chineseNumber(cjk[0])
  const letters = /[a-z]+/i.exec(marker)
  if (!letters) return null
  const word = letters[0].toLowerCase()
  if (roman) return romanNumber(word)
  return word.length === 1 ? word.charCodeAt(0) - 96 : null
}

function chineseNumber(text) {
  let total = 0
  let digit = 0
  for (const char of text) {
    if (char === "百") {
      total += (digit || 1) * 100
      digit = 0
    } else if (char === "十") {
      total += (digit || 1) * 10
      digit = 0
    } else {
      digit = CJK_DIGITS.indexOf(char)
    }
  }
  return total + digit || null
}

function romanNumber(word) {
  const values = { i: 1, v: 5, x: 10, l: 50, c: 100, d: 500, m: 1000 }
  let total = 0
  for (let i = 0; i < word.length; i++) {
    const value = values[word[i]]
    total += value < (values[word[i + 1]] || 0) ? -value : value
  }
  return total || null
}

function newList(doc, kind) {
  const list = doc.createElement(kind.ordered ? "ol" : "ul")
  if (kind.ordered) {
    list.setAttribute("data-type", kind.type)
    if (kind.start && kind.start !== 1) list.setAttribute("start", String(kind.start))
  }
  return list
}

function sameKind(a, b) {
  return a.ordered === b.ordered && (!a.ordered || a.type === b.type)
}

function buildList(doc, run, styles) {
  // Top-level lists go where the first paragraph was.
  const anchor = doc.createComment("list")
  run[0].el.before(anchor)
  const stack = [] // open lists, outermost first: { level, id, kind, list }
  for (const item of run) {
    const kind = kindOf(item, styles)
    while (stack.length && stack.at(-1).level > item.level) stack.pop()
    let top = stack.at(-1)
    if (top && top.level === item.level && (!sameKind(top.kind, kind) || top.id !== item.id)) {
      stack.pop()
      top = stack.at(-1)
    }
    if (!top || top.level < item.level) {
      const list = newList(doc, kind)
      const parentItem = top ? top.list.lastElementChild : null
      if (parentItem) parentItem.append(list)
      else anchor.before(list)
      stack.push({ level: item.level, id: item.id, kind, list })
    }
    removeMarker(item)
    const li = doc.createElement("li")
    const paragraph = doc.createElement("p")
    paragraph.append(...item.el.childNodes)
    li.append(paragraph)
    stack.at(-1).list.append(li)
    item.el.remove()
  }
  anchor.remove()
}

// --- captions ----------------------------------------------------------------------------------

function markCaptions(doc, styles) {
  for (const paragraph of doc.body.querySelectorAll("p[class]")) {
    const classes = Array.from(paragraph.classList, (c) => c.toLowerCase())
    if (classes.some((c) => styles.captionClasses.has(c))) paragraph.className = "caption"
  }
}

function moveCaptionOut(doc, table) {
  const caption = table.querySelector(":scope > caption")
  if (!caption) return
  const paragraph = doc.createElement("p")
  paragraph.className = "caption"
  paragraph.append(...caption.childNodes)
  table.before(paragraph)
  caption.remove()
}

// --- tables ------------------------------------------------------------------------------------

function headerRowCount(table, office) {
  const rows = Array.from(table.rows)
  let count = 0
  rows.forEach((row, index) => {
    const style = row.getAttribute("style") || ""
    if (
      row.parentElement.tagName === "THEAD" ||
      /mso-yfti-irow:\s*-1/i.test(style) ||
      /mso-yfti-lastfirstrow:\s*yes/i.test(style)
    ) {
      count = index + 1
    }
  })
  if (!count && office && rows.length > 1 && allBold(rows[0])) count = 1
  return count
}

function isBold(node, cell) {
  for (let el = node.parentElement; el && el !== cell.parentElement; el = el.parentElement) {
    if (el.tagName === "B" || el.tagName === "STRONG" || el.tagName === "TH") return true
    const weight = el.style?.fontWeight
    if (weight === "bold" || Number(weight) >= 600) return true
  }
  return false
}

function allBold(row) {
  let text = false
  for (const cell of row.cells) {
    const walker = cell.ownerDocument.createTreeWalker(cell, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.replace(/[\s\u00a0]+/g, "")) continue
      if (!isBold(node, cell)) return false
      text = true
    }
  }
  return text
}

function markHeaderRows(doc, table, office) {
  const count = headerRowCount(table, office)
  for (const row of Array.from(table.rows).slice(0, count)) {
    for (const cell of Array.from(row.cells)) {
      if (cell.tagName === "TH") continue
      const header = doc.createElement("th")
      for (const { name, value } of Array.from(cell.attributes)) header.setAttribute(name, value)
      header.append(...cell.childNodes)
      cell.replaceWith(header)
    }
  }
}

// A cell's width in px: the width attribute (px or %), else its style (pt, px, cm, %).
function cellWidth(cell) {
  const attribute = (cell.getAttribute("width") || "").trim()
  const styled = cell.style?.width || ""
  for (const value of [attribute, styled]) {
    const match = /^([\d.]+)\s*(px|pt|cm|mm|in|%)?$/i.exec(value)
    if (!match) continue
    const number = Number(match[1])
    const unit = (match[2] || "px").toLowerCase()
    const px = { px: 1, pt: 4 / 3, cm: 96 / 2.54, mm: 96 / 25.4, in: 96 }[unit]
    if (unit === "%") return { percent: number }
    if (number > 0) return { px: number * px }
  }
  return null
}

function setColumnWidths(table) {
  // Lay the cells on the table's grid (rowspans push later cells to the right).
  const placed = []
  const taken = []
  Array.from(table.rows).forEach((row, y) => {
    let x = 0
    for (const cell of row.cells) {
      while (taken[y]?.[x]) x++
      const colspan = Math.max(1, cell.colSpan || 1)
      const rowspan = Math.max(1, cell.rowSpan || 1)
      for (let dy = 0; dy < rowspan; dy++) {
        taken[y + dy] = taken[y + dy] || []
        for (let dx = 0; dx < colspan; dx++) taken[y + dy][x + dx] = true
      }
      placed.push({ cell, x, colspan, width: cellWidth(cell) })
      x += colspan
    }
  })
  const columns = Math.max(0, ...placed.map(({ x, colspan }) => x + colspan))
  if (!columns) return
  const widths = new Array(columns).fill(null)
  for (const { x, colspan, width } of placed) {
    if (colspan === 1 && width && widths[x] === null) widths[x] = width
  }
  // A merged cell gives the one column of its span that no single cell measured.
  for (const { x, colspan, width } of placed) {
    const span = widths.slice(x, x + colspan)
    const unknown = span.filter((w) => w === null).length
    if (colspan > 1 && width && unknown === 1 && span.every((w) => w === null || unit(w) === unit(width))) {
      const known = span.reduce((sum, w) => sum + (w ? value(w) : 0), 0)
      const rest = value(width) - known
      if (rest > 0) widths[x + span.indexOf(null)] = { [unit(width)]: rest }
    }
  }
  if (widths.some((w) => w === null)) return
  const units = new Set(widths.map(unit))
  if (units.size !== 1) return
  let px = widths.map((w) => (w.px !== undefined ? w.px : (w.percent * PERCENT_BASE) / 100))
  const total = px.reduce((a, b) => a + b, 0)
  if (total > MAX_TABLE_WIDTH) px = px.map((w) => (w * MAX_TABLE_WIDTH) / total)
  px = px.map((w) => Math.max(MIN_COLUMN_WIDTH, Math.round(w)))
  for (const { cell, x, colspan } of placed) {
    cell.setAttribute("colwidth", px.slice(x, x + colspan).join(","))
  }
}

function unit(width) {
  return width.px !== undefined ? "px" : "percent"
}

function value(width) {
  return width.px !== undefined ? width.px : width.percent
}

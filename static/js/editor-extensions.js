// The portal's own Tiptap extensions for the section editor, loaded by django-prose-editor's
// configurable preset (settings.DJANGO_PROSE_EDITOR_EXTENSIONS) and switched on in
// plans/richtext.py, which also declares what of their output the server keeps.
import { Extension, Plugin, wrappingInputRule } from "django-prose-editor/editor"

import { cleanPastedHtml, isOfficeHtml } from "./office-paste.js"

// Pasted Word and WPS content keeps its lists, header rows, column widths and captions.
export const OfficePaste = Extension.create({
  name: "officePaste",

  addProseMirrorPlugins() {
    // ProseMirror pastes a slice "open" at its start: its first block flows into the
    // paragraph at the cursor. A Word list or caption that comes first would lose its
    // structure there (the first item becomes text of that paragraph), so an office paste
    // that starts with one is inserted as whole blocks. A Word sentence still pastes inline.
    let fromOffice = false
    return [
      new Plugin({
        props: {
          transformPastedHTML(html) {
            fromOffice = isOfficeHtml(html)
            return cleanPastedHtml(html)
          },
          transformPasted(slice) {
            const office = fromOffice
            fromOffice = false
            const first = slice.content.firstChild
            const structured =
              first &&
              (["bulletList", "orderedList"].includes(first.type.name) || first.attrs.caption)
            if (!office || !structured || slice.openStart === 0) return slice
            return new slice.constructor(slice.content, 0, slice.openEnd)
          },
        },
      }),
    ]
  },
})

// Typing "1. " (or "1。" with a Chinese input method) starts a numbered list, "- " or "• " a
// bulleted one. django-prose-editor switches the numbered-list rule off; Tiptap's own bullet
// rule covers "- ", "+ " and "* ".
export const ListShortcuts = Extension.create({
  name: "listShortcuts",

  addInputRules() {
    const { orderedList, bulletList } = this.editor.schema.nodes
    const rules = []
    if (orderedList) {
      rules.push(
        wrappingInputRule({
          find: /^(\d+)[.．。]\s$/,
          type: orderedList,
          getAttributes: (match) => ({ start: Number(match[1]), type: "decimal" }),
          joinPredicate: (match, node) => node.childCount + node.attrs.start === Number(match[1]),
        }),
      )
    }
    if (bulletList) {
      rules.push(wrappingInputRule({ find: /^\s*([•·－＊])\s$/, type: bulletList }))
    }
    return rules
  },
})

// A caption paragraph (表1 …, 图2 …) is a paragraph with class="caption".
export const CaptionParagraph = Extension.create({
  name: "captionParagraph",

  addGlobalAttributes() {
    return [
      {
        types: ["paragraph"],
        attributes: {
          caption: {
            default: false,
            parseHTML: (element) => element.classList.contains("caption"),
            renderHTML: (attributes) => (attributes.caption ? { class: "caption" } : {}),
          },
        },
      },
    ]
  },
})

// Column widths the editor keeps (colwidth, its own attribute) are also written as the
// cell's width, so the preview shows them.
export const TableColumnWidths = Extension.create({
  name: "tableColumnWidths",

  addGlobalAttributes() {
    return [
      {
        types: ["tableCell", "tableHeader"],
        attributes: {
          width: {
            default: null,
            parseHTML: () => null,
            renderHTML: ({ colwidth }) =>
              Array.isArray(colwidth) && colwidth.length && colwidth.every((w) => w > 0)
                ? { width: String(colwidth.reduce((a, b) => a + b, 0)) }
                : {},
          },
        },
      },
    ]
  },
})

// Labels in the user's language for every toolbar button and menu entry (the package writes
// English ones), and an accessible name for the editing area: the aria-label or
// aria-labelledby of the textarea it replaces.
export const EditorLabels = Extension.create({
  name: "editorLabels",
  // after every extension that adds menu items, so that all of them are there to relabel
  priority: 1,

  addOptions() {
    return { labels: {} }
  },

  addMenuItems({ menu }) {
    const labels = this.options.labels
    const groups = "blockType nodes headings lists marks link textAlign table history utility"
    for (const item of menu.items(groups)) {
      const label = labels[item.name]
      if (!label) continue
      if (item.button) {
        item.button.title = label
        item.button.setAttribute("aria-label", label)
      }
      if (item.option) item.option.textContent = label
    }
  },

  onCreate() {
    // The block-type dropdown shows a "?" button while the selection has no block type.
    const label = this.options.labels.blockType
    const relabel = () => {
      const root = this.editor.view.dom.parentElement
      for (const button of root?.querySelectorAll(".prose-menubar__selected button") || []) {
        if (button.getAttribute("aria-label") === "question_mark") {
          button.title = label
          button.setAttribute("aria-label", label)
        }
      }
    }
    if (label) {
      relabel()
      this.editor.on("transaction", relabel)
    }
  },

  addProseMirrorPlugins() {
    const textarea = this.editor.options.element?.querySelector?.("textarea")
    const attributes = { "aria-multiline": "true" }
    for (const name of ["aria-label", "aria-labelledby", "aria-describedby"]) {
      const value = textarea?.getAttribute(name)
      if (value) attributes[name] = value
    }
    return [new Plugin({ props: { attributes } })]
  },
})

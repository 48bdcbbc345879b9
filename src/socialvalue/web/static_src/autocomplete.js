// Long choices (measures, providers, priorities) become GOV.UK's accessible autocomplete: type
// any words of the name, in any order. The <select> stays in the form and is what is submitted,
// so the page works the same without JavaScript.
//
// A single choice is the select enhanced in place. A multiple choice gets an autocomplete that
// adds what is chosen to a list of removable items, each kept as a selected option of the
// hidden select.
//
// A select with data-suggest-from (the id of another select) and data-suggestions (a JSON map
// of that select's values to option values) lists the suggested options first: the measures of
// the activity chosen above, for example.

const LONG = 20;

function words(text) {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

function optionsOf(select) {
  // Options in document order, each text once (a suggested group may repeat an option).
  const seen = new Set();
  return Array.from(select.options).filter((option) => {
    const text = option.textContent.trim();
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

function suggestedValues(select) {
  const from = select.dataset.suggestFrom && document.getElementById(select.dataset.suggestFrom);
  if (!from || !select.dataset.suggestions) return new Set();
  const map = JSON.parse(select.dataset.suggestions);
  // The other select may be enhanced too: its value is still the select's.
  const chosen = (document.getElementById(`${from.id}-select`) || from).value;
  return new Set((map[chosen] || []).map(String));
}

function source(select, offered) {
  return (query, populate) => {
    const wanted = words(query);
    const suggested = suggestedValues(select);
    const found = offered().filter((option) => {
      const text = option.textContent.toLowerCase();
      return wanted.every((word) => text.includes(word));
    });
    const first = found.filter((option) => suggested.has(option.value));
    const rest = found.filter((option) => !suggested.has(option.value));
    populate([...first, ...rest].map((option) => option.textContent.trim()));
  };
}

function optionByText(select, text) {
  return Array.from(select.options).find((option) => option.textContent.trim() === text);
}

function enhanceSingle(select) {
  const id = select.id;
  const chosen = select.selectedIndex >= 0 ? select.options[select.selectedIndex] : null;
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: chosen && chosen.value ? chosen.textContent.trim() : "",
    showAllValues: true,
    minLength: 0,
    source: source(select, () => optionsOf(select)),
    onConfirm: (text) => {
      const input = document.getElementById(id);
      let option = text ? optionByText(select, text) : null;
      // Emptying the box means no choice: the select's empty option, where it has one.
      if (!option && input && input.value.trim() === "" && select.options[0]?.value === "") {
        option = select.options[0];
      }
      if (option) {
        option.selected = true;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    },
  });
  // The autocomplete's input keeps the select's description and error state.
  const input = document.getElementById(id);
  if (input) {
    const describedBy = select.getAttribute("aria-describedby");
    if (describedBy) input.setAttribute("aria-describedby", describedBy);
    if (select.classList.contains("govuk-select--error")) {
      input.classList.add("autocomplete__input--error");
    }
  }
}

function enhanceMultiple(select) {
  const id = select.id;
  const describedBy = select.getAttribute("aria-describedby");
  const hint = document.getElementById(`${id}_helptext`);
  if (hint) {
    // Ctrl-click is how the plain list works; the enhanced one is typed into.
    hint.textContent = hint.textContent.replace(/\s*Hold Ctrl[^.]*\./, "").trim();
  }

  const wrapper = document.createElement("div");
  wrapper.className = "sv-multi-choice";
  const holder = document.createElement("div");
  const status = document.createElement("div");
  status.className = "govuk-visually-hidden";
  status.setAttribute("aria-live", "polite");
  const heading = document.createElement("p");
  heading.className = "govuk-body govuk-!-margin-top-3 govuk-!-margin-bottom-1";
  heading.id = `${id}-chosen-heading`;
  const list = document.createElement("ul");
  list.className = "govuk-list sv-chosen-list";
  list.setAttribute("aria-labelledby", heading.id);
  wrapper.append(holder, heading, list, status);
  select.parentNode.insertBefore(wrapper, select);
  select.hidden = true;
  select.style.display = "none";
  select.id = `${id}-select`;

  function renderChosen() {
    const chosen = Array.from(select.selectedOptions);
    heading.textContent = chosen.length ? `Chosen (${chosen.length}):` : "None chosen yet.";
    list.replaceChildren(
      ...chosen.map((option) => {
        const item = document.createElement("li");
        item.className = "sv-chosen-list__item";
        const text = document.createElement("span");
        text.textContent = option.textContent.trim();
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0 sv-chosen-list__remove";
        remove.textContent = "Remove";
        const hidden = document.createElement("span");
        hidden.className = "govuk-visually-hidden";
        hidden.textContent = ` ${option.textContent.trim()}`;
        remove.append(hidden);
        remove.addEventListener("click", () => {
          option.selected = false;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          status.textContent = `Removed ${option.textContent.trim()}`;
          renderChosen();
          document.getElementById(id)?.focus();
        });
        item.append(text, " ", remove);
        return item;
      }),
    );
  }

  function renderInput(focus) {
    // A fresh autocomplete after each choice starts with an empty box.
    const box = document.createElement("div");
    holder.replaceChildren(box);
    window.accessibleAutocomplete({
      element: box,
      id,
      name: "",
      showAllValues: true,
      minLength: 0,
      confirmOnBlur: false,
      tNoResults: () => "Nothing found: try other words",
      source: source(select, () => optionsOf(select).filter((option) => option.value && !option.selected)),
      onConfirm: (text) => {
        const option = text ? optionByText(select, text) : null;
        if (!option) return;
        option.selected = true;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        status.textContent = `Added ${text}`;
        renderChosen();
        setTimeout(() => renderInput(true), 0);
      },
    });
    const input = document.getElementById(id);
    if (input) {
      const described = [describedBy, heading.id].filter(Boolean).join(" ");
      input.setAttribute("aria-describedby", described);
      if (select.classList.contains("govuk-select--error")) {
        input.classList.add("autocomplete__input--error");
      }
      if (focus) input.focus();
    }
  }

  renderChosen();
  renderInput(false);
}

function candidates(root) {
  return Array.from(root.querySelectorAll("select.govuk-select, select[data-autocomplete]")).filter(
    (select) =>
      select.id &&
      !select.dataset.enhanced &&
      !select.hasAttribute("data-autosubmit") &&
      !select.hasAttribute("data-no-autocomplete") &&
      (select.hasAttribute("data-autocomplete") || select.options.length > LONG),
  );
}

export function needsEnhancing(root = document) {
  return candidates(root).length > 0;
}

export function enhanceChoices(root = document) {
  if (!window.accessibleAutocomplete) return;
  for (const select of candidates(root)) {
    select.dataset.enhanced = "true";
    if (select.multiple) enhanceMultiple(select);
    else enhanceSingle(select);
  }
}

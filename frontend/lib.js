// The view library in one place: Preact with htm tagged templates (no build step).
import { h, render, Fragment } from "preact";
import { useState, useEffect, useCallback, useMemo, useRef } from "preact/hooks";
import htm from "htm";

export const html = htm.bind(h);
export { h, render, Fragment, useState, useEffect, useCallback, useMemo, useRef };

// The part of frappe-gantt's API the Gantt view uses (the package ships no types).
declare module 'frappe-gantt' {
  export interface FrappeTask {
    id: string;
    name: string;
    start: string;
    end: string;
    progress?: number;
    dependencies?: string;
    custom_class?: string;
  }
  export interface FrappeOptions {
    view_mode?: string;
    language?: string;
    readonly?: boolean;
    readonly_progress?: boolean;
    popup_on?: 'click' | 'hover';
    popup?: false | ((context: unknown) => string | false | undefined);
    on_click?: (task: FrappeTask) => void;
    on_date_change?: (task: FrappeTask, start: Date, end: Date) => void;
    [option: string]: unknown;
  }
  export default class Gantt {
    constructor(wrapper: HTMLElement | string, tasks: FrappeTask[], options?: FrappeOptions);
    refresh(tasks: FrappeTask[]): void;
    change_view_mode(mode?: string, maintainPosition?: boolean): void;
    update_options(options: FrappeOptions): void;
  }
}
